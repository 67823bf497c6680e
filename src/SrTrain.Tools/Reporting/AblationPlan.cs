using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Engine.Models;
using SrTrain.Engine.Training;

namespace SrTrain.Tools.Reporting;

/// <summary>One run of an ablation, ready to train: its options as an experiment, the generator's size,
/// and where its final weights will be (for runs that start from it).</summary>
public sealed record AblationStep(int Index, AblationRun Run, ExperimentOptions Options, long GeneratorParameters,
                                  long? DiscriminatorParameters)
{
    /// <summary>The name shown in the report.</summary>
    public string Label => Run.Label ?? Run.Name;

    /// <summary>The run as messages about its options name it: <c>runs[1] (edsr)</c>.</summary>
    public string Where => $"runs[{Index}] ({Run.Name})";

    /// <summary>Iterations this run trains.</summary>
    public long TotalIter => Options.Train!.TotalIter;

    /// <summary>The checkpoint key evaluated and handed on: params_ema when the run keeps an EMA.</summary>
    public string ParamKey => Options.Train!.EmaDecay > 0 ? "params_ema" : "params";

    /// <summary>The final generator checkpoint (BasicSR layout).</summary>
    public string FinalWeights(string root) =>
        Path.Combine(root, "experiments", Options.Name, "models", $"net_g_{TotalIter}.pth");
}

/// <summary>An ablation file turned into its runs: every run's options are composed (shared keys, budget, the
/// run's own keys) and bound strictly before anything trains, and every network is built once to count its
/// parameters, so a typo in the last run fails at once, naming the run and the key.</summary>
public sealed class AblationPlan
{
    private AblationPlan(AblationOptions options, string source, IReadOnlyList<AblationStep> steps, IReadOnlyList<string> valPhases)
    {
        (Options, Source, Steps, ValPhases) = (options, source, steps, valPhases);
        Root = Path.GetFullPath(options.Root ?? ".");
    }

    public AblationOptions Options { get; }

    /// <summary>The file (or text) the plan came from, as named in messages.</summary>
    public string Source { get; }

    public IReadOnlyList<AblationStep> Steps { get; }

    /// <summary>Dataset phases evaluated in the report (val, val_2, ...), in file order.</summary>
    public IReadOnlyList<string> ValPhases { get; }

    /// <summary>Root folder of experiments/ and results/.</summary>
    public string Root { get; }

    /// <summary>results/&lt;name&gt;/, where the report goes.</summary>
    public string ResultsDir => Path.Combine(Root, "results", Options.Name);

    /// <summary>Reads an ablation file with the CLI's layers (environment, <c>--set runs.0.total_iter=10</c>);
    /// <paramref name="check"/>: for <c>srtrain options --check</c>, without needing the perceptual loss's VGG file.</summary>
    public static AblationPlan Load(string path, IEnumerable<string>? sets = null, bool useEnvironment = true, bool check = false)
    {
        var tree = OptionLayers.Compose(YamlOptionReader.ReadFile(path), sets ?? [], useEnvironment);
        return FromTree(tree, path, check);
    }

    /// <summary>Binds an option tree; <paramref name="source"/> prefixes every message; <paramref name="check"/> as for <see cref="Load"/>.</summary>
    public static AblationPlan FromTree(Dictionary<string, object?> tree, string source, bool check = false)
    {
        AblationOptions options;
        try
        {
            options = (AblationOptions)ConstructorBinder.Bind(typeof(AblationOptions), tree, "ablation");
        }
        catch (OptionException e)
        {
            throw new OptionException($"{source}: {e.Message}");
        }
        var b = options.Budget;
        if (b.TotalIter <= 0 || b.BatchSize <= 0 || b.GtSize <= 0 || b.PrintFreq <= 0)
            throw new OptionException($"{source}: budget: total_iter ({b.TotalIter}), batch_size ({b.BatchSize}), gt_size ({b.GtSize}) and print_freq ({b.PrintFreq}) must be positive");
        if (options.Datasets.GetValueOrDefault("train") is not Dictionary<string, object?>)
            throw new OptionException($"{source}: datasets.train is required (a mapping: type, dataroot_gt, dataroot_lq, ...)");
        var valPhases = options.Datasets.Keys.Where(k => k.StartsWith("val", StringComparison.Ordinal)).ToList();
        if (valPhases.Count == 0) throw new OptionException($"{source}: datasets needs at least one val set (val, val_2, ...) to compare the runs on");
        foreach (var phase in valPhases)
            if (options.Datasets[phase] is not Dictionary<string, object?>)
                throw new OptionException($"{source}: datasets.{phase} must be a mapping (type, dataroot_gt, dataroot_lq, ...)");
        if (options.Runs.Count == 0) throw new OptionException($"{source}: runs is empty; list at least one run (name, network_g)");
        var report = options.Report ?? new AblationReportOptions();
        if (report.CropSize < 8 || report.CropSize % options.Scale != 0)
            throw new OptionException($"{source}: report.crop_size {report.CropSize} must be at least 8 and a multiple of the scale {options.Scale}");
        if (!(report.Smoothing >= 0 && report.Smoothing < 1))
            throw new OptionException($"{source}: report.smoothing {report.Smoothing} must be in [0, 1) (TensorBoard's default is 0.6; 0 draws raw values only)");

        var steps = new List<AblationStep>();
        var root = Path.GetFullPath(options.Root ?? ".");
        for (int i = 0; i < options.Runs.Count; i++)
        {
            var where = $"runs[{i}]";
            AblationRun run;
            try
            {
                run = (AblationRun)ConstructorBinder.Bind(typeof(AblationRun), OptionConversion.AsMap(options.Runs[i], where), where);
            }
            catch (OptionException e)
            {
                throw new OptionException($"{source}: {e.Message}");
            }
            where = $"runs[{i}] ({run.Name})";
            if (run.Name.Length == 0 || run.Name.Any(c => !(char.IsLetterOrDigit(c) || c is '_' or '-' or '.')))
                throw new OptionException($"{source}: {where}.name '{run.Name}' must be letters, digits, '_', '-' or '.'");
            if (steps.Any(s => s.Run.Name == run.Name))
                throw new OptionException($"{source}: {where}.name '{run.Name}' is used by an earlier run; run names must be unique");
            AblationStep? init = null;
            if (run.InitFrom is { } from)
                init = steps.FirstOrDefault(s => s.Run.Name == from)
                       ?? throw new OptionException($"{source}: {where}.init_from '{from}' is not an earlier run" +
                                                    $"{NameMatching.Suggestion(from, steps.Select(s => s.Run.Name))}; earlier runs: " +
                                                    (steps.Count == 0 ? "(none)" : string.Join(", ", steps.Select(s => s.Run.Name))));
            var experiment = BindRun(options, run, init, root, $"{source}: {where}");
            var (g, d) = CountParameters(experiment, $"{source}: {where}", check);
            if (init is not null && !SameNetwork(init.Options.NetworkG!, run.NetworkG))
                throw new OptionException($"{source}: {where}.init_from '{init.Run.Name}': its network_g differs from this run's; " +
                                          "a run can only start from weights of the same generator");
            steps.Add(new AblationStep(i, run, experiment, g, d));
        }
        return new AblationPlan(options, source, steps, valPhases);
    }

    /// <summary>The run's experiment tree: shared keys, the budget, then the run's own keys.</summary>
    private static ExperimentOptions BindRun(AblationOptions a, AblationRun run, AblationStep? init, string root, string where)
    {
        var datasets = OptionLayers.DeepCopy(a.Datasets);
        var train = (Dictionary<string, object?>)datasets["train"]!;
        train["batch_size_per_gpu"] = a.Budget.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        train["gt_size"] = a.Budget.GtSize.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var trainSection = Merge(a.Train is null ? [] : OptionLayers.DeepCopy(a.Train), run.Train);
        long totalIter = run.TotalIter ?? a.Budget.TotalIter;
        if (totalIter <= 0) throw new OptionException($"{where}.total_iter must be positive, got {totalIter}");
        trainSection["total_iter"] = totalIter;
        if (!trainSection.ContainsKey("optim_g"))
            throw new OptionException($"{where}: no train.optim_g in the run or the shared train section");

        var path = new Dictionary<string, object?> { ["root"] = root };
        if (init is not null)
        {
            path["pretrain_network_g"] = init.FinalWeights(root);
            path["param_key_g"] = init.ParamKey;
            path["strict_load_g"] = "true";
        }
        var tree = new Dictionary<string, object?>
        {
            ["name"] = $"{a.Name}_{run.Name}",
            ["model_type"] = run.ModelType,
            ["scale"] = a.Scale,
            ["num_gpu"] = a.NumGpu,
            ["device"] = a.Device,
            ["manual_seed"] = a.ManualSeed,
            ["num_threads"] = a.NumThreads,
            ["precision"] = a.Precision,
            ["memory_format"] = a.MemoryFormat,
            ["conv_algorithm"] = a.ConvAlgorithm,
            ["datasets"] = datasets,
            ["network_g"] = OptionLayers.DeepCopy(run.NetworkG),
            ["network_d"] = run.NetworkD is null ? null : OptionLayers.DeepCopy(run.NetworkD),
            ["path"] = path,
            ["train"] = trainSection,
            ["logger"] = new Dictionary<string, object?>
            {
                ["print_freq"] = a.Budget.PrintFreq,
                ["save_checkpoint_freq"] = totalIter,
                ["use_tb_logger"] = "false",
            },
        };
        var o = OptionFile.Bind(tree, where);
        // Runs are compared after training on every val set, so the trainer does not validate on its own.
        return o with { Val = null };
    }

    /// <summary>A deep merge: <paramref name="over"/>'s keys replace <paramref name="baseTree"/>'s, mappings merge —
    /// unless they name different types (a run's MultiStepLR replaces a shared cosine schedule, keys and all).</summary>
    private static Dictionary<string, object?> Merge(Dictionary<string, object?> baseTree, Dictionary<string, object?>? over)
    {
        if (over is null) return baseTree;
        foreach (var (k, v) in over)
            baseTree[k] = baseTree.GetValueOrDefault(k) is Dictionary<string, object?> b && v is Dictionary<string, object?> o &&
                          (!o.TryGetValue("type", out var t) || Equals(t, b.GetValueOrDefault("type")))
                ? Merge(b, o)
                : v is Dictionary<string, object?> m ? OptionLayers.DeepCopy(m) : v;
        return baseTree;
    }

    /// <summary>Builds the run's training model on the CPU once (networks, losses, optimizers, without the weights
    /// of an earlier run, which do not exist yet): a wrong key fails here, and the sizes go in the report. A
    /// <paramref name="check"/> (<c>srtrain options --check</c>) also builds the perceptual loss without its ImageNet VGG
    /// file, which only training needs.</summary>
    private static (long G, long? D) CountParameters(ExperimentOptions o, string where, bool check)
    {
        using var scope = LibTorch.NewDisposeScope();
        try
        {
            var built = o with { Path = o.Path with { PretrainNetworkG = null } };
            if (check && built.Train?.PerceptualOpt is { } perceptual)
                built = built with { Train = built.Train with { PerceptualOpt = new(perceptual) { ["vgg_pretrained"] = false, ["vgg_pretrained_path"] = null } } };
            using var model = Trainer.CreateModel(built, Device.Cpu);
            return (model.NetG.NumParameters(), model is SrganModel gan ? gan.NetD.NumParameters() : null);
        }
        catch (OptionException e)
        {
            throw new OptionException($"{where}: {e.Message}");
        }
    }

    private static bool SameNetwork(Dictionary<string, object?> a, Dictionary<string, object?> b) =>
        Canonical(a) == Canonical(b);

    private static string Canonical(object? node) => node switch
    {
        Dictionary<string, object?> m => "{" + string.Join(",", m.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + ":" + Canonical(kv.Value))) + "}",
        List<object?> l => "[" + string.Join(",", l.Select(Canonical)) + "]",
        null => "~",
        _ => Convert.ToString(node, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}

using System.CommandLine;
using System.Globalization;
using SrTrain.Archs;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Training;
using SrTrain.Data.Loading;
using SrTrain.Torch.Nn;
using SrTrain.Torch.Optim;
using SrTrain.Tools.Reporting;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain options --schema [--markdown]</c>: every option key with type, default and meaning;
/// <c>srtrain options --check FILE</c>: binds a file and builds every registered section in it (networks,
/// losses, optimizers, schedulers, metrics; dataset keys checked without reading data), without training; an ablation
/// file (<c>runs:</c>) run by run.</summary>
internal static class OptionsCommand
{
    public static Command Create()
    {
        var schema = new Option<bool>("--schema") { Description = "print every option key with its type, default and meaning" };
        var markdown = new Option<bool>("--markdown") { Description = "with --schema: the Markdown reference of docs/options.md, registered types included" };
        var check = new Option<FileInfo?>("--check") { Description = "bind an option file and build every registered section in it, reporting errors and warnings" };
        var phase = new Option<string?>("--phase")
        {
            Description = "with --check: train or test (default: from the folder, options/train or options/test, else whether the file has a train section)",
        };
        phase.AcceptOnlyFromAmong("train", "test");
        var set = CommonOptions.Set();
        var command = new Command("options", "describe the option schema or check option files") { schema, markdown, check, phase, set };
        command.SetAction(result =>
        {
            if (result.GetValue(check) is { } file)
                return Check(file, result.GetValue(phase), result.GetValue(set) ?? []);
            if (result.GetValue(markdown))
                Console.Write(OptionSchema.Markdown(DataLoaderOptions.Keys.ToList()));
            else
                Console.Write(OptionSchema.Describe());
            return 0;
        });
        return command;
    }

    private static int Check(FileInfo file, string? phase, string[] sets)
    {
        if (!file.Exists) throw new FileNotFoundException($"option file not found: {file.FullName}");
        if (IsAblationFile(file)) return CheckAblation(file, sets);
        bool isTrain = phase is null ? IsTrainFile(file) : phase == "train";
        ConstructorBinder.TakeWarnings();
        var o = OptionFile.Load(file.FullName, sets, isTrain);
        foreach (var line in CheckedLines(o, file.FullName)) Console.WriteLine("  " + line);
        foreach (var w in ConstructorBinder.TakeWarnings()) Console.WriteLine($"warning: {w}");
        Console.WriteLine($"{file.Name}: OK ({(isTrain ? "train" : "test")}, {o.ModelType}, {o.NetworkG?["type"]})");
        return 0;
    }

    /// <summary>An ablation file (<c>srtrain ablation</c>'s: shared datasets and budget, a list of <c>runs</c>) is checked run
    /// by run: each run's options as the ablation composes them, every section built as for an experiment file.</summary>
    private static int CheckAblation(FileInfo file, string[] sets)
    {
        ConstructorBinder.TakeWarnings();
        var plan = AblationPlan.Load(file.FullName, sets, check: true);
        foreach (var step in plan.Steps)
        {
            var lines = CheckedLines(step.Options, $"{file.FullName}: {step.Where}");
            Console.WriteLine($"run {step.Run.Name} ({step.Options.ModelType}, {step.Options.NetworkG?["type"]}):");
            foreach (var line in lines) Console.WriteLine("  " + line);
        }
        foreach (var w in ConstructorBinder.TakeWarnings()) Console.WriteLine($"warning: {w}");
        Console.WriteLine($"{file.Name}: OK (ablation, {plan.Steps.Count} runs: {string.Join(", ", plan.Steps.Select(s => s.Run.Name))})");
        return 0;
    }

    /// <summary>What <see cref="CheckSections"/> built and the contradictions' warnings; a problem is an
    /// <see cref="OptionException"/> prefixed with <paramref name="where"/> (the file, and the run of an ablation).</summary>
    private static IReadOnlyList<string> CheckedLines(ExperimentOptions o, string where)
    {
        try
        {
            return [.. CheckSections(o), .. OptionConsistency.Validate(o).Select(w => "warning: " + w)];
        }
        catch (OptionException e)
        {
            throw new OptionException($"{where}: {e.Message}");
        }
    }

    /// <summary>An ablation file: a top-level <c>runs</c> list, which experiment files do not have.</summary>
    internal static bool IsAblationFile(FileInfo file) => YamlOptionReader.ReadFile(file.FullName).ContainsKey("runs");

    /// <summary>Train or test: the nearest folder named train or test decides (options/train/..., options/test/...);
    /// otherwise a file with a <c>train</c> section is a training file.</summary>
    internal static bool IsTrainFile(FileInfo file)
    {
        for (var dir = file.Directory; dir is not null; dir = dir.Parent)
            if (dir.Name is "train" or "test") return dir.Name == "train";
        return YamlOptionReader.ReadFile(file.FullName).ContainsKey("train");
    }

    /// <summary>Builds every registered section of <paramref name="o"/> as training or testing would, and
    /// disposes it; returns one line per section. A problem is an <see cref="OptionException"/> naming the key.</summary>
    internal static IReadOnlyList<string> CheckSections(ExperimentOptions o)
    {
        var lines = new List<string>();
        TypeRegistry.Get(RegistryKind.Model, o.ModelType, "model_type");
        using var netG = BuildNetwork(o.NetworkG ?? throw new OptionException("network_g is required"), "network_g", o.Scale, lines);
        using var netD = o.NetworkD is { } d ? BuildNetwork(d, "network_d", null, lines) : null;
        if (o.Path.PretrainNetworkG is { } pre)
            lines.Add($"path.pretrain_network_g: {pre}{(File.Exists(pre) ? "" : " (not there yet)")}, key {o.Path.ParamKeyG ?? "~"}");

        foreach (var (phase, section) in o.Datasets)
            lines.Add(CheckDataset(phase, OptionConversion.AsMap(section, $"datasets.{phase}").ToList()));
        if (o.IsTrain && !o.Datasets.ContainsKey("train"))
            throw new OptionException("datasets.train is required in a training file");
        // The Real-ESRGAN models read their degradation keys at the top level; check them as the model will.
        if (o.IsTrain && o.ModelType is "RealESRNetModel" or "RealESRGANModel" && !Engine.Degradations.RealEsrganSynthesis.SynthesisesLq(o))
            lines.Add("degradation: none (high_order_degradation: false), the LQ images of datasets.train");
        else if (o.IsTrain && o.ModelType is "RealESRNetModel" or "RealESRGANModel")
        {
            var degradation = new Engine.Degradations.DegradationOptions(o);
            lines.Add($"degradation: gt_size {degradation.GtSize}, queue_size {degradation.QueueSize}, jpeg {degradation.JpegRange[0]}-{degradation.JpegRange[1]} / {degradation.JpegRange2[0]}-{degradation.JpegRange2[1]}");
        }

        if (o.Train is { } train)
        {
            // The ImageNet VGG file is only needed to train; --check builds the perceptual loss with random weights.
            var noVggFile = new Dictionary<string, object?> { ["vgg_pretrained"] = false, ["vgg_pretrained_path"] = null };
            foreach (var (key, section) in new[] { ("pixel_opt", train.PixelOpt), ("perceptual_opt", train.PerceptualOpt), ("gan_opt", train.GanOpt) })
            {
                if (section is null) continue;
                var loss = TypeRegistry.Create<object>(RegistryKind.Loss, section, $"train.{key}", noVggFile);
                lines.Add($"train.{key}: {section["type"]}");
                (loss as IDisposable)?.Dispose();
            }
            lines.Add(CheckOptimizer(train.OptimG, "train.optim_g", netG, train.Scheduler));
            if (train.OptimD is { } optimD)
                lines.Add(CheckOptimizer(optimD, "train.optim_d", netD ?? throw new OptionException("train.optim_d is set but network_d is not"), train.Scheduler));
        }

        foreach (var (name, section) in o.Val?.Metrics ?? [])
        {
            var metric = TypeRegistry.Create<object>(RegistryKind.Metric, OptionConversion.AsMap(section, $"val.metrics.{name}"), $"val.metrics.{name}");
            lines.Add($"val.metrics.{name}: {metric.GetType().Name}");
        }
        return lines;
    }

    /// <summary>Builds a network; for a generator with a scale option, its scale must be the file's <c>scale</c>
    /// (1 for archs fed an upsampled image), else outputs would not match the GT size.</summary>
    private static Module BuildNetwork(Dictionary<string, object?> section, string where, int? scale, List<string> lines)
    {
        var net = TypeRegistry.Create<Module>(RegistryKind.Arch, section, where);
        var type = (string)section["type"]!;
        var info = ArchInfo.Get(type);
        if (scale is { } s && info.ScaleKey is { } key)
        {
            var p = info.Parameters.First(x => x.Key == key);
            int archScale = section.TryGetValue(key, out var v) && v is not null
                ? (int)OptionConversion.Convert(v, typeof(int), $"{where}.{key}")!
                : Convert.ToInt32(p.Default, CultureInfo.InvariantCulture);
            if (archScale != s && archScale != 1)
            {
                net.Dispose();
                throw new OptionException($"{where}.{key} is {archScale} but scale is {s}: the network's output would not match the GT size");
            }
        }
        lines.Add($"{where}: {type}, {net.NumParameters().ToString("N0", CultureInfo.InvariantCulture)} parameters");
        return net;
    }

    private static string CheckOptimizer(Dictionary<string, object?> section, string where, Module net, Dictionary<string, object?>? scheduler)
    {
        var spec = TypeRegistry.Create<IOptimizerSpec>(RegistryKind.Optimizer, section, where);
        using Optimizer optimizer = spec.Create(net.Parameters().Where(p => p.RequiresGrad).ToList());
        var text = $"{where}: {section["type"]}";
        if (scheduler is not null)
        {
            TypeRegistry.Create<ISchedulerSpec>(RegistryKind.Scheduler, scheduler, "train.scheduler").Create(optimizer);
            text += $", scheduler {scheduler["type"]}";
        }
        return text;
    }

    /// <summary>Dataset keys are checked against the dataset's parameters and the loader's keys; the data is
    /// not read (it may not be prepared yet).</summary>
    private static string CheckDataset(string phase, List<KeyValuePair<string, object?>> section)
    {
        var where = $"datasets.{phase}";
        var typeName = section.FirstOrDefault(p => p.Key == "type").Value as string ?? throw new OptionException($"{where}: missing 'type'");
        var registered = TypeRegistry.Get(RegistryKind.Dataset, typeName, $"{where}.type");
        var valid = registered.Parameters.Select(p => p.Key).Concat(DataLoaderOptions.Keys).ToHashSet();
        foreach (var (key, _) in section)
            if (key != "type" && !valid.Contains(key))
                throw new OptionException($"{where}: unknown key '{key}' for dataset type {typeName}{NameMatching.Suggestion(key, valid)}; " +
                                          $"valid keys: {string.Join(", ", valid)}");
        foreach (var p in registered.Parameters.Where(p => !p.HasDefault && p.Key is not ("scale" or "phase")))
            if (!section.Any(kv => kv.Key == p.Key))
                throw new OptionException($"{where}: dataset type {typeName} needs '{p.Key}' ({OptionConversion.Describe(p.Type)})");
        DataLoaderOptions.FromSection(section.ToDictionary(kv => kv.Key, kv => kv.Value), phase == "train" ? "train" : "val", 0, where: where);
        return $"{where}: {typeName}";
    }
}

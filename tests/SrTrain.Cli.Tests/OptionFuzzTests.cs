using System.Globalization;
using SrTrain.Abstractions.Options;
using Xunit.Abstractions;

namespace SrTrain.Cli.Tests;

/// <summary>Seeded fuzzing of the shipped smoke option files (<see cref="OptionMutator"/>: deleted and misspelled keys,
/// values of the wrong type, changed values): every mutated file either passes <c>srtrain options --check</c> /
/// trains one iteration, or fails with an SrTrain message (exit code 2, one <c>srtrain:</c> line); never an internal
/// error (NullReference, InvalidCast, IndexOutOfRange, KeyNotFound, InvalidOperation...) or a stack trace.
/// scripts/bench.sh --fuzz runs many more cases, each in its own process.</summary>
[Collection(SerialCliCollection.Name)]
public class OptionFuzzTests(ITestOutputHelper log)
{
    /// <summary>Paths never mutated: the experiment folder must stay in a temporary folder.</summary>
    private static readonly IReadOnlySet<string> Keep = new HashSet<string> { "path.root", "path.experiments_root", "path.results_root" };

    private static readonly Dictionary<int, SmokeData> DataByScale = [];

    private static SmokeData Data(int scale)
    {
        lock (DataByScale)
        {
            // 132 divides by 2, 3 and 4 and holds the 128 patches of the GAN smoke files.
            if (!DataByScale.TryGetValue(scale, out var d)) DataByScale[scale] = d = new SmokeData(scale, trainImages: 4, valImages: 1, hrSize: 132);
            return d;
        }
    }

    private static string[] SmokeFiles(string phase) =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "options", phase, "smoke"), "*.yml").Order(StringComparer.Ordinal).ToArray();

    /// <summary>A smoke file pointed at generated data and a temporary root, before mutation.</summary>
    private static Dictionary<string, object?> Prepared(string file, string root, bool train)
    {
        var tree = YamlOptionReader.ReadFile(file);
        int scale = int.Parse((string)tree["scale"]!, CultureInfo.InvariantCulture);
        var data = Data(scale);
        foreach (var (phase, section) in (Dictionary<string, object?>)tree["datasets"]!)
        {
            var s = (Dictionary<string, object?>)section!;
            var split = phase == "train" ? "train" : "val";
            s["dataroot_gt"] = data.Hr(split);
            s.Remove("meta_info_file");
            if (s.GetValueOrDefault("type") is not "RealESRGANDataset")   // GT only: the model synthesises the LQ
            {
                s["dataroot_lq"] = data.Lr(split);
                s["filename_tmpl"] = "{}";
            }
            if (phase == "train") (s["num_worker_per_gpu"], s["batch_size_per_gpu"]) = ("0", "2");
        }
        var path = (Dictionary<string, object?>)tree["path"]!;
        path["root"] = root;
        if (train)
        {
            path["pretrain_network_g"] = null;   // the smoke chain's stage-one weights do not exist here
            ((Dictionary<string, object?>)tree["train"]!)["total_iter"] = "1";
        }
        return tree;
    }

    /// <summary>Null when the outcome is acceptable, else what went wrong.</summary>
    internal static string? Problem(int rc, string output, string error)
    {
        if (rc == 0) return null;
        if (rc == 2 && error.StartsWith("srtrain: ", StringComparison.Ordinal) && !(output + error).Contains("   at ", StringComparison.Ordinal)) return null;
        return $"exit code {rc}: {error.Trim()}";
    }

    private List<string> Run(string phase, int cases, int firstSeed, Func<string, (int, string, string)> run, bool trainRun = false)
    {
        var files = SmokeFiles(phase);
        var failures = new List<string>();
        var root = RepoPaths.NewTempDir("srtrain-fuzz");
        int passed = 0;
        var messages = new Dictionary<string, int>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int seed = firstSeed; seed < firstSeed + cases; seed++)
        {
            var file = files[seed % files.Length];
            var rng = new Random(seed);
            var tree = Prepared(file, root, train: trainRun);
            // One mutation per training case, so most still train; up to three per check case.
            var mutations = OptionMutator.Mutate(tree, rng, phase == "train" && trainRun ? 1 : 1 + rng.Next(3), Keep);
            var path = Path.Combine(root, $"fuzz_{seed}.yml");
            File.WriteAllText(path, OptionMutator.ToYaml(tree));
            var (rc, output, error) = run(path);
            if (Problem(rc, output, error) is { } problem)
                failures.Add($"seed {seed}, {Path.GetFileName(file)}: {string.Join("; ", mutations)} => {problem}");
            else if (rc == 0) passed++;
            else
            {
                var head = error.Replace(path + ": ", "").Split(':', 3) is [_, var key, ..] ? key.Trim() : error;
                if (messages.Values.Sum() < 12) log.WriteLine($"    seed {seed}: {string.Join("; ", mutations)} => {error.Trim()}");
                messages[head] = messages.GetValueOrDefault(head) + 1;
            }
        }
        log.WriteLine($"{cases} cases in {watch.Elapsed.TotalSeconds:F1} s: {passed} ran, {cases - passed - failures.Count} SrTrain errors, {failures.Count} crashes");
        foreach (var (head, n) in messages.OrderByDescending(kv => kv.Value).Take(15)) log.WriteLine($"  {n} x {head}");
        return failures;
    }

    [Fact]
    public void MutatedTrainingFilesPassOptionsCheckOrFailWithAnSrTrainMessage()
    {
        var failures = Run("train", cases: 240, firstSeed: 0, f => CliRun.Capture("options", "--check", f, "--phase", "train"));
        Assert.True(failures.Count == 0, $"{failures.Count} case(s) crashed:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void MutatedTestFilesPassOptionsCheckOrFailWithAnSrTrainMessage()
    {
        var failures = Run("test", cases: 60, firstSeed: 1000, f => CliRun.Capture("options", "--check", f, "--phase", "test"));
        Assert.True(failures.Count == 0, $"{failures.Count} case(s) crashed:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void MutatedTrainingFilesTrainOneIterationOrFailWithAnSrTrainMessage()
    {
        var failures = Run("train", cases: 20, firstSeed: 2000, f => CliRun.Capture("train", "-opt", f), trainRun: true);
        Assert.True(failures.Count == 0, $"{failures.Count} case(s) crashed:\n" + string.Join("\n", failures));
    }
}

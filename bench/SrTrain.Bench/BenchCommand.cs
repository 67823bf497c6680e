using System.Text.Json;
using System.Text.Json.Nodes;
using SrTrain.Torch;

namespace SrTrain.Bench;

/// <summary><c>srtrain-bench [--only a,b] [--json FILE] [--threads N] [--rounds R] [--train-rounds R] [--quick] [--reference SCRIPT | --no-reference] [--python PATH] [--srtrain DLL] [--list]</c>
/// (through scripts/bench.sh):
/// times each step benchmark on SrTrain and, alternately, on PyTorch with the same thread count, then each
/// whole-iteration benchmark (train_*: whole processes, <see cref="WholeRunBenchmark"/>).</summary>
public static class BenchCommand
{
    internal const string Usage =
        "usage: scripts/bench.sh [--only NAME,...] [--json FILE] [--threads N] [--rounds R] [--train-rounds R] [--quick] [--reference SCRIPT | --no-reference] [--python PATH] [--srtrain DLL] [--list]\n" +
        "       scripts/bench.sh --fuzz N [--seed S] [--train-every K] [--srtrain DLL]   (option fuzzing, one srtrain process per case)" +
        "       scripts/bench.sh --soak [N] [--soak-config FILE] [--threads N]   (memory soak: RSS growth over N training iterations)";

    /// <summary>Runs the benchmarks the arguments select; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"srtrain-bench: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (options.Fuzz > 0) return OptionFuzz.Run(options.Fuzz, options.Seed, options.TrainEvery, options.Srtrain);
        if (options.List)
        {
            foreach (var b in BenchmarkRegistry.All) Console.WriteLine($"{b.Name,-20} {b.Description}");
            foreach (var b in BenchmarkRegistry.WholeRuns) Console.WriteLine($"{b.Name,-20} {b.Description}");
            return 0;
        }

        if (options.Soak is { } soakIterations)
        {
            if (options.Threads is { } t) LibTorch.NumThreads = t;
            return MemorySoak.Run(soakIterations, options.SoakConfig, Console.Out);
        }
        var benches = BenchmarkRegistry.Select(options.Only);
        var wholeRuns = BenchmarkRegistry.SelectWholeRuns(options.Only);
        if (wholeRuns.Count > 0 && options.NoReference)
            throw new ArgumentException($"{wholeRuns[0].Name} compares against the reference loop: drop --no-reference or pick step benchmarks with --only");
        LibTorch.NumThreads = options.Threads ?? LibTorch.NumThreads;
        int threads = LibTorch.NumThreads;
        using var reference = options.NoReference || benches.Count == 0 ? null
            : new ReferenceProcess(options.Reference ?? FindReferenceScript(), threads, options.Python);
        if (reference is not null && reference.Threads != threads)
            throw new InvalidOperationException($"PyTorch runs {reference.Threads} threads, SrTrain {threads}: the comparison would be unfair");
        Console.Error.WriteLine($"bench: libtorch {LibTorch.Version}, {threads} threads" +
                                (reference is null ? benches.Count == 0 ? ", no step benchmarks" : ", no PyTorch reference" : $"; PyTorch {reference.TorchVersion}, {reference.Threads} threads") +
                                (benches.Count == 0 ? "" : $"; {options.Rounds} alternating rounds, medians"));

        var runner = new BenchRunner(options.Rounds, reference, Console.Error);
        foreach (var b in benches.Where(b => b.Unavailable is not null))
            Console.Error.WriteLine($"bench: skipping {b.Name}: {b.Unavailable}");
        var results = benches.Where(b => b.Unavailable is null).Select(runner.Run).ToList();
        if (wholeRuns.Count > 0)
        {
            var settings = new WholeRunSettings(FindScript("whole_iteration.py"), options.Srtrain ?? FindSrtrain(), options.Python,
                                                options.TrainRounds, threads, options.Quick);
            Console.Error.WriteLine($"bench: whole iterations, {settings.SrtrainDll} vs {settings.Driver}, {threads} threads, " +
                                    (settings.Quick ? "quick (one block, 2 iterations, 1 round: checks the path, measures nothing)" : $"{settings.Rounds} alternating rounds"));
            foreach (var b in wholeRuns.Where(b => b.Unavailable is not null))
                Console.Error.WriteLine($"bench: skipping {b.Name}: {b.Unavailable}");
            results.AddRange(wholeRuns.Where(b => b.Unavailable is null).Select(b => b.Run(settings, Console.Error)));
        }
        PrintTable(results, Console.Out);
        if (options.Json is { } path) WriteJson(path, results, threads, options.Rounds, reference?.TorchVersion);
        return 0;
    }

    private static string FindReferenceScript() => FindScript("reference.py", "pass --reference SCRIPT or --no-reference");

    /// <summary>scripts/bench/<paramref name="name"/> above the srtrain-bench binary or the current directory.</summary>
    internal static string FindScript(string name, string? hint = null)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "scripts", "bench", name);
                if (File.Exists(candidate)) return candidate;
            }
        throw new FileNotFoundException($"scripts/bench/{name} not found above the srtrain-bench binary or the current directory" +
                                        (hint is null ? "" : ": " + hint));
    }

    /// <summary>This checkout's srtrain.dll, in the configuration srtrain-bench itself was built in.</summary>
    private static string FindSrtrain()
    {
        var repo = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(FindScript("whole_iteration.py"))))!;
        var config = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";   // bin/<config>/net10.0/
        var dll = Path.Combine(repo, "src", "SrTrain.Cli", "bin", config, "net10.0", "srtrain.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"srtrain.dll not found at {dll}: build first or pass --srtrain DLL");
    }

    private static void PrintTable(IReadOnlyList<BenchResult> results, TextWriter output)
    {
        output.WriteLine($"{"bench",-20} {"srtrain",12} {"pytorch",12} {"ratio",7}  extras");
        foreach (var r in results)
        {
            var extras = string.Join("  ", r.Extras.Select(e => $"{e.Key}={e.Value:G4}"));
            output.WriteLine($"{r.Name,-20} {BenchRunner.Format(r.SrTrainSeconds),12} " +
                             $"{(r.ReferenceSeconds is { } s ? BenchRunner.Format(s) : "-"),12} " +
                             $"{(r.Ratio is { } ratio ? ratio.ToString("F3") : "-"),7}  {extras}");
        }
        output.WriteLine("ratio = pytorch time / srtrain time (> 1: SrTrain faster); train_*: s/iter, median of the rounds' ratios, peak PSS in MiB");
    }

    private static void WriteJson(string path, IReadOnlyList<BenchResult> results, int threads, int rounds, string? torchVersion)
    {
        var array = new JsonArray();
        foreach (var r in results)
        {
            var item = new JsonObject
            {
                ["name"] = r.Name,
                ["description"] = r.Description,
                ["srtrain_s"] = r.SrTrainSeconds,
                ["reference_s"] = r.ReferenceSeconds,
                ["ratio"] = r.Ratio,
            };
            foreach (var (key, value) in r.Extras) item[key] = value;
            array.Add(item);
        }
        var doc = new JsonObject
        {
            ["threads"] = threads,
            ["rounds"] = rounds,
            ["libtorch"] = LibTorch.Version,
            ["pytorch"] = torchVersion,
            ["results"] = array,
        };
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, doc.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // "->" stays readable; the file is not HTML
        }) + "\n");
        Console.Error.WriteLine($"bench: wrote {path}");
    }
}

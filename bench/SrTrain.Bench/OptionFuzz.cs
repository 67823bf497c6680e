using System.Diagnostics;
using System.Globalization;
using SrTrain.Abstractions.Options;
using SrTrain.Data;
using SrTrain.TestSupport;

namespace SrTrain.Bench;

/// <summary><c>srtrain-bench --fuzz N [--seed S] [--train-every K] [--srtrain DLL]</c>: the option fuzz test
/// (tests/SrTrain.Cli.Tests/OptionFuzzTests.cs) with many more cases, each run as its own <c>srtrain</c> process, so
/// a native crash or a hang is seen as such: N mutated smoke option files through <c>options --check</c>, and every
/// K-th one also through a one-iteration <c>train</c>. A case passes when srtrain exits 0, or 2 with one
/// <c>srtrain:</c> message and no stack trace. Prints the crashes (seed, mutations, output) and the cases per second.</summary>
internal static class OptionFuzz
{
    private static readonly IReadOnlySet<string> Keep = new HashSet<string> { "path.root", "path.experiments_root", "path.results_root" };
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static int Run(int cases, int firstSeed, int trainEvery, string? srtrainDll)
    {
        var repo = RepoRoot();
        var dll = srtrainDll ?? Path.Combine(repo, "src", "SrTrain.Cli", "bin", "Release", "net10.0", "srtrain.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"srtrain.dll not found at {dll}: build first or pass --srtrain DLL");
        var work = Path.Combine(Path.GetTempPath(), $"srtrain-bench-fuzz-{Environment.ProcessId}");
        var files = Directory.GetFiles(Path.Combine(repo, "options", "train", "smoke"), "*.yml").Order(StringComparer.Ordinal).ToArray();
        var data = new Dictionary<int, string>();
        var crashes = new List<string>();
        int ran = 0, errors = 0, runs = 0;
        var watch = Stopwatch.StartNew();
        for (int seed = firstSeed; seed < firstSeed + cases; seed++)
        {
            bool train = trainEvery > 0 && (seed - firstSeed) % trainEvery == 0;
            var tree = YamlOptionReader.ReadFile(files[seed % files.Length]);
            int scale = int.Parse((string)tree["scale"]!, CultureInfo.InvariantCulture);
            if (!data.TryGetValue(scale, out var root)) data[scale] = root = WriteData(Path.Combine(work, $"data_x{scale}"), scale);
            Prepare(tree, root, Path.Combine(work, "runs"), train);
            var rng = new Random(seed);
            var mutations = OptionMutator.Mutate(tree, rng, train ? 1 : 1 + rng.Next(3), Keep);
            var file = Path.Combine(work, $"fuzz_{seed}.yml");
            File.WriteAllText(file, OptionMutator.ToYaml(tree));
            foreach (var args in train ? [["options", "--check", file, "--phase", "train"], ["train", "-opt", file]] : new[] { new[] { "options", "--check", file, "--phase", "train" } })
            {
                runs++;
                var (rc, output, error) = Srtrain(dll, args);
                bool ok = rc == 0 || (rc == 2 && error.StartsWith("srtrain: ", StringComparison.Ordinal) && !(output + error).Contains("   at ", StringComparison.Ordinal));
                if (!ok) crashes.Add($"seed {seed} ({Path.GetFileName(files[seed % files.Length])}, {args[0]}): {string.Join("; ", mutations)}\n    exit {rc}: {Tail(error + output)}");
                else if (rc == 0) ran++;
                else errors++;
            }
        }
        Console.WriteLine($"fuzz: {cases} cases, {runs} srtrain runs in {watch.Elapsed.TotalSeconds:F0} s ({runs / watch.Elapsed.TotalSeconds:F2} runs/s): " +
                          $"{ran} ran, {errors} SrTrain errors, {crashes.Count} crashes");
        foreach (var c in crashes) Console.WriteLine(c);
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        return crashes.Count == 0 ? 0 : 1;
    }

    private static void Prepare(Dictionary<string, object?> tree, string data, string runs, bool train)
    {
        foreach (var (phase, section) in (Dictionary<string, object?>)tree["datasets"]!)
        {
            var s = (Dictionary<string, object?>)section!;
            var split = phase == "train" ? "train" : "val";
            (s["dataroot_gt"], s["dataroot_lq"], s["filename_tmpl"]) = (Path.Combine(data, split, "gt"), Path.Combine(data, split, "lq"), "{}");
            s.Remove("meta_info_file");
            if (phase == "train") (s["num_worker_per_gpu"], s["batch_size_per_gpu"]) = ("0", "2");
        }
        var path = (Dictionary<string, object?>)tree["path"]!;
        path["root"] = runs;
        if (!train) return;
        path["pretrain_network_g"] = null;
        ((Dictionary<string, object?>)tree["train"]!)["total_iter"] = "1";
    }

    /// <summary>Four 132x132 training pairs and one validation pair (132 divides by 2, 3 and 4 and holds 128 patches).</summary>
    private static string WriteData(string root, int scale)
    {
        var rng = new Random(scale);
        foreach (var (split, count) in new[] { ("train", 4), ("val", 1) })
            for (int i = 1; i <= count; i++)
            {
                var small = new Image(17, 17, 3);
                for (int k = 0; k < small.Data.Length; k++) small.Data[k] = (float)rng.NextDouble();
                var gt = Imresize.Resize(small, 132, 132);
                ImageIO.Write(Path.Combine(root, split, "gt", $"{i:D4}.png"), gt);
                ImageIO.Write(Path.Combine(root, split, "lq", $"{i:D4}.png"), Imresize.Resize(ImageIO.Read(Path.Combine(root, split, "gt", $"{i:D4}.png")), 1.0 / scale));
            }
        return root;
    }

    private static (int Rc, string Output, string Error) Srtrain(string dll, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CI"] = "1";   // plain log lines, no live display
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Timeout))
        {
            p.Kill(entireProcessTree: true);
            return (-1, stdout.Result, $"timed out after {Timeout.TotalSeconds} s\n" + stderr.Result);
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Tail(string text)
    {
        var lines = text.Trim().Split('\n');
        return string.Join("\n    ", lines.Take(6)) + (lines.Length > 6 ? $"\n    ... ({lines.Length - 6} more lines)" : "");
    }

    private static string RepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "options", "train", "smoke"))) return dir.FullName;
        throw new DirectoryNotFoundException("options/train/smoke not found above srtrain-bench or the current directory");
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using SrTrain.Bench;

namespace SrTrain.Bench.Tests;

/// <summary>The whole-iteration benchmarks (train_*): names shared with scripts/bench/whole_iteration.py, the driver's
/// JSON read into a result row, and the quick mode running both sides end to end.</summary>
public class WholeRunBenchmarkTests
{
    private static string Driver => Path.Combine(RepoPaths.Root, "scripts", "bench", "whole_iteration.py");

    [Fact]
    public void TheDriverKnowsExactlyTheRegisteredNames()
    {
        var start = new ProcessStartInfo(ReferenceProcess.DefaultInterpreter) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { Driver, "--bench", "train_nope", "--srtrain", "unused" }) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.NotEqual(0, p.ExitCode);
        var known = error[(error.IndexOf("known: ", StringComparison.Ordinal) + 7)..].Trim().Split(", ");
        Assert.Equal(BenchmarkRegistry.WholeRuns.Select(b => b.Name).Order(), known.Order());
        Assert.Equal(8, known.Length);
    }

    /// <summary>A _bf16 name is SrTrain in bf16 against BasicSR's fp32 (what a user gains by switching); only an explicit
    /// --precision, as the GPU check passes, puts the reference in the same precision.</summary>
    [Fact]
    public void ABf16NameRunsTheReferenceInFp32UnlessBothSidesAreToldAPrecision()
    {
        var start = new ProcessStartInfo(ReferenceProcess.DefaultInterpreter) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import sys; sys.path.insert(0, sys.argv[1]); import whole_iteration as w; " +
                               "print(w.side_precisions('train_msrresnet_bf16'), w.side_precisions('train_edsr'), " +
                               "w.side_precisions('train_esrgan_bf16', 'fp16'))");
        start.ArgumentList.Add(Path.GetDirectoryName(Driver)!);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, error);
        Assert.Equal("('bf16', 'fp32') ('fp32', 'fp32') ('fp16', 'fp16')", output.Trim());
    }

    [Fact]
    public void OnlyTheBf16RunsCanBeUnavailableAndForTheStepBenchmarksReason()
    {
        Assert.All(BenchmarkRegistry.WholeRuns.Where(b => !b.Name.EndsWith("_bf16", StringComparison.Ordinal)), b => Assert.Null(b.Unavailable));
        var bf16 = BenchmarkRegistry.WholeRuns.Where(b => b.Name.EndsWith("_bf16", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, bf16.Count);
        var step = BenchmarkRegistry.All.Single(b => b.Name == "train_step_bf16");
        Assert.All(bf16, b => Assert.Equal(step.Unavailable, b.Unavailable));
        Assert.Equal(Bf16Availability.Unavailable, step.Unavailable);
    }

    [Fact]
    public void OptionsSelectWholeRunsAndTheQuickMode()
    {
        var o = BenchOptions.Parse(["--only", "conv,train_esrgan_bf16", "--train-rounds", "5", "--quick"]);
        Assert.True(o.Quick);
        Assert.Equal(5, o.TrainRounds);
        Assert.Equal(["conv"], BenchmarkRegistry.Select(o.Only).Select(b => b.Name));
        Assert.Equal(["train_esrgan_bf16"], BenchmarkRegistry.SelectWholeRuns(o.Only).Select(b => b.Name));
        Assert.Empty(BenchmarkRegistry.SelectWholeRuns(["conv"]));
        Assert.Equal(8, BenchmarkRegistry.SelectWholeRuns(null).Count);
        Assert.Throws<ArgumentException>(() => BenchmarkRegistry.SelectWholeRuns(["train_nope"]));
    }

    [Fact]
    public void TheRowTakesTheMedianOfTheRoundsRatiosAndKeepsEveryRound()
    {
        var doc = JsonNode.Parse("""
            {"name": "train_edsr", "ratios": [0.8, 1.7, 0.9], "median_ratio": 0.9, "srtrain_s_per_iter": 0.5,
             "reference_s_per_iter": 0.4, "srtrain_peak_pss_mib": 411.5, "reference_peak_pss_mib": 623.0}
            """)!.AsObject();
        var row = WholeRunBenchmark.Parse(doc, "d");
        Assert.Equal("train_edsr", row.Name);
        Assert.Equal(0.9, row.Ratio);   // not 0.4 / 0.5
        Assert.Equal(0.5, row.SrTrainSeconds);
        Assert.Equal(1.7, row.Extras["ratio_round2"]);
        Assert.Equal(411.5, row.Extras["srtrain_peak_pss_mib"]);
        Assert.Equal(623.0, row.Extras["reference_peak_pss_mib"]);

        // A round without a ratio (its run-length difference drowned in noise) is left out, not a NaN.
        doc["ratios"] = new JsonArray(1.2, null, 1.4);
        doc["median_ratio"] = 1.3;
        row = WholeRunBenchmark.Parse(doc, "d");
        Assert.Equal(1.3, row.Ratio);
        Assert.False(row.Extras.ContainsKey("ratio_round2"));
        doc["median_ratio"] = null;
        Assert.Equal(0.4 / 0.5, WholeRunBenchmark.Parse(doc, "d").Ratio);
    }

    /// <summary>About 20-30 s on 2 loaded cores: four processes (each side at 1 and 2 iterations) of a one-block MSRResNet.</summary>
    [Fact]
    public void QuickModeTrainsBothSidesAndMeasuresTheirProcessTrees()
    {
        var config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(RepoPaths.Root, "src", "SrTrain.Cli", "bin", config, "net10.0", "srtrain.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var log = new StringWriter();
        var row = new WholeRunBenchmark("msrresnet", "MSRResNet").Run(
            new WholeRunSettings(Driver, dll, ReferenceProcess.DefaultInterpreter, Rounds: 1, Threads: 1, Quick: true), log);
        Assert.Equal("train_msrresnet", row.Name);
        Assert.Contains("train_msrresnet round 1/1 (srtrain first)", log.ToString());
        // Two iterations on a loaded machine may leave no valid ratio; the row still has a finite one (of the medians).
        Assert.True(row.Ratio is { } r && double.IsFinite(r));
        if (row.Extras.TryGetValue("ratio_round1", out var round1)) Assert.Equal(round1, row.Ratio);
        // Each side is a process tree of tens of MiB at least (a runtime, libtorch, a network); the reference has loader workers.
        Assert.InRange(row.Extras["srtrain_peak_pss_mib"], 50, 4096);
        Assert.InRange(row.Extras["reference_peak_pss_mib"], 50, 4096);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace SrTrain.Bench;

/// <summary>A whole-iteration benchmark: <c>srtrain train</c> against scripts/bench/basicsr_train_loop.py (BasicSR's
/// train.py as users run it) on one of BasicSR's official option files at batch 4, gt 128, 2 loader workers, as whole
/// processes. scripts/bench/whole_iteration.py runs both sides (steady-state s/iter from two run lengths, alternating
/// rounds with the order swapped, peak PSS of each process tree); this class starts it and reads its JSON.
/// The <c>_bf16</c> variants train SrTrain with <c>precision: bf16</c> against the reference's fp32.</summary>
public sealed class WholeRunBenchmark(string config, string title, bool bf16 = false)
{
    /// <summary>train_msrresnet, train_edsr_bf16, ...: the name <c>--only</c> takes and whole_iteration.py knows.</summary>
    public string Name => $"train_{config}{(bf16 ? "_bf16" : "")}";

    /// <summary>Why this benchmark cannot run here (null: it can): the <c>_bf16</c> variants where bf16 cannot.</summary>
    public string? Unavailable => bf16 ? Bf16Availability.Unavailable : null;

    public string Description => $"{title}: srtrain train{(bf16 ? " (bf16)" : "")} vs BasicSR-style train.py (fp32), s/iter, batch 4, gt 128, 2 workers";

    /// <summary>Runs the driver; its progress lines go to <paramref name="log"/>. Seconds are median s/iter; the ratio
    /// is the median of the rounds' ratios; extras hold every round's ratio and the peak PSS of each side.</summary>
    public BenchResult Run(WholeRunSettings settings, TextWriter log)
    {
        var json = Path.Combine(Path.GetTempPath(), $"srtrain-bench-{Name}-{Environment.ProcessId}.json");
        var start = new ProcessStartInfo(settings.Python) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { settings.Driver, "--bench", Name, "--srtrain", $"dotnet {settings.SrtrainDll}", "--python", settings.Python,
                                  "--rounds", settings.Rounds.ToString(CultureInfo.InvariantCulture),
                                  "--threads", settings.Threads.ToString(CultureInfo.InvariantCulture), "--json", json })
            start.ArgumentList.Add(a);
        if (settings.Quick) start.ArgumentList.Add("--quick");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {settings.Python}");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginErrorReadLine();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(json))
            throw new InvalidOperationException($"{Name}: {settings.Driver} failed (exit {process.ExitCode}); its message is above");
        var doc = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        File.Delete(json);
        return Parse(doc, Description);
    }

    /// <summary>The driver's JSON as a result row.</summary>
    public static BenchResult Parse(JsonObject doc, string description)
    {
        // A round whose run-length difference drowned in noise has no ratio (null); it is left out of the median.
        var ratios = doc["ratios"]!.AsArray().Select(r => r?.GetValue<double>()).ToList();
        var extras = new Dictionary<string, double>
        {
            ["srtrain_peak_pss_mib"] = doc["srtrain_peak_pss_mib"]!.GetValue<double>(),
            ["reference_peak_pss_mib"] = doc["reference_peak_pss_mib"]!.GetValue<double>(),
        };
        for (int i = 0; i < ratios.Count; i++)
            if (ratios[i] is { } r) extras[$"ratio_round{i + 1}"] = r;
        return new BenchResult(doc["name"]!.GetValue<string>(), description, doc["srtrain_s_per_iter"]!.GetValue<double>(),
                               doc["reference_s_per_iter"]!.GetValue<double>(), extras, doc["median_ratio"]?.GetValue<double>());
    }
}

/// <summary>What every <see cref="WholeRunBenchmark"/> of one srtrain-bench run shares.</summary>
/// <param name="Driver">scripts/bench/whole_iteration.py.</param>
/// <param name="SrtrainDll">The srtrain.dll the SrTrain side runs.</param>
/// <param name="Python">The interpreter with torch that runs the driver and the reference loop.</param>
/// <param name="Rounds">Alternating rounds (each: both sides at both run lengths).</param>
/// <param name="Threads">Compute threads of both sides.</param>
/// <param name="Quick">Tiny networks, two iterations, one round: checks the path, measures nothing.</param>
public sealed record WholeRunSettings(string Driver, string SrtrainDll, string Python, int Rounds, int Threads, bool Quick);

using System.Diagnostics;

namespace SrTrain.Bench;

/// <summary>Runs each benchmark in rounds that alternate SrTrain and PyTorch (so drifting machine
/// load hits both alike) and keeps the median round of each side.</summary>
public sealed class BenchRunner(int rounds, ReferenceProcess? reference, TextWriter log)
{
    public BenchResult Run(Benchmark bench)
    {
        using var workload = bench.Prepare();
        for (int i = 0; i < bench.Warmup; i++) workload.Step();
        reference?.Prepare(bench.Name, bench.Warmup);
        try
        {
            var ours = new List<double>();
            var theirs = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                ours.Add(TimeRound(workload, bench.Iterations));
                if (reference is not null) theirs.Add(reference.Run(bench.Name, bench.Iterations));
                log.WriteLine($"  {bench.Name} round {round + 1}/{rounds}: srtrain {Format(ours[^1])}" +
                              (reference is null ? "" : $", pytorch {Format(theirs[^1])}"));
            }
            double srtrain = Median(ours);
            double? referenceSeconds = reference is null ? null : Median(theirs);
            return new BenchResult(bench.Name, bench.Description, srtrain, referenceSeconds, bench.Extras(srtrain, referenceSeconds));
        }
        finally
        {
            reference?.Release(bench.Name);
        }
    }

    /// <summary>SrTrain's side alone: <paramref name="warmup"/> untimed steps, then the median seconds per step of
    /// <paramref name="rounds"/> rounds of <paramref name="iterations"/> steps.</summary>
    public static double MedianSeconds(IWorkload workload, int warmup, int iterations, int rounds)
    {
        for (int i = 0; i < warmup; i++) workload.Step();
        return Median(Enumerable.Range(0, rounds).Select(_ => TimeRound(workload, iterations)).ToList());
    }

    private static double TimeRound(IWorkload workload, int iterations)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) workload.Step();
        return sw.Elapsed.TotalSeconds / iterations;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>Seconds in the unit that keeps three significant digits readable.</summary>
    public static string Format(double seconds) => seconds switch
    {
        >= 1 => $"{seconds:F3} s",
        >= 1e-3 => $"{seconds * 1e3:F3} ms",
        >= 1e-6 => $"{seconds * 1e6:F3} us",
        _ => $"{seconds * 1e9:F1} ns",
    };
}

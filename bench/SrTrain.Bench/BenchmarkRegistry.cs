namespace SrTrain.Bench;

/// <summary>The benchmarks <c>srtrain-bench</c> knows, in the order they run.</summary>
public static class BenchmarkRegistry
{
    /// <summary>Every benchmark; a new one is one class plus one line here.</summary>
    public static IReadOnlyList<Benchmark> All { get; } =
    [
        new ConvBenchmark(),
        new OverheadBenchmark(),
        new TrainStepBenchmark(),
        new TrainStepBenchmark(channelsLast: true),
        new TrainStepBenchmark(channelsLast: true, bf16: true),
        new RrdbStepBenchmark(checkpoint: false),
        new RrdbStepBenchmark(checkpoint: true),
        new LoaderBenchmark(),
        new LoaderCacheBenchmark(),
    ];

    /// <summary>The benchmarks named in <paramref name="names"/> (all when null), in registry order;
    /// an unknown name is an error listing the known ones.</summary>
    public static IReadOnlyList<Benchmark> Select(IReadOnlyCollection<string>? names)
    {
        if (names is null || names.Count == 0) return All;
        var unknown = names.Where(n => All.All(b => b.Name != n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"unknown benchmark(s) {string.Join(", ", unknown)}; known: {string.Join(", ", All.Select(b => b.Name))}");
        return All.Where(b => names.Contains(b.Name)).ToList();
    }
}

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
        new RrdbStepBenchmark(checkpoint: false, bf16: true),
        new LoaderBenchmark(),
        new LoaderCacheBenchmark(),
        new InferRrdbNetBenchmark(),
        new InferRrdbNetBenchmark(tiled: true),
    ];

    /// <summary>The whole-iteration benchmarks (whole processes, minutes each), run after <see cref="All"/>.</summary>
    public static IReadOnlyList<WholeRunBenchmark> WholeRuns { get; } =
    [
        new("msrresnet", "MSRResNet x4 (train_MSRResNet_x4.yml)"),
        new("edsr", "EDSR-M x4 (train_EDSR_Mx4.yml)"),
        new("rrdbnet", "RRDBNet PSNR x4 (train_RRDBNet_PSNR_x4.yml)"),
        new("esrgan", "ESRGAN x4 (train_ESRGAN_x4.yml)"),
        new("msrresnet", "MSRResNet x4 (train_MSRResNet_x4.yml)", bf16: true),
        new("edsr", "EDSR-M x4 (train_EDSR_Mx4.yml)", bf16: true),
        new("rrdbnet", "RRDBNet PSNR x4 (train_RRDBNet_PSNR_x4.yml)", bf16: true),
        new("esrgan", "ESRGAN x4 (train_ESRGAN_x4.yml)", bf16: true),
    ];

    /// <summary>Every name <c>--only</c> takes.</summary>
    public static IEnumerable<string> Names => All.Select(b => b.Name).Concat(WholeRuns.Select(b => b.Name));

    /// <summary>The step benchmarks named in <paramref name="names"/> (all when null), in registry order;
    /// an unknown name is an error listing the known ones.</summary>
    public static IReadOnlyList<Benchmark> Select(IReadOnlyCollection<string>? names)
    {
        if (names is null || names.Count == 0) return All;
        var unknown = names.Where(n => !Names.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"unknown benchmark(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Names)}");
        return All.Where(b => names.Contains(b.Name)).ToList();
    }

    /// <summary>The whole-iteration benchmarks named in <paramref name="names"/> (all when null), in registry order.</summary>
    public static IReadOnlyList<WholeRunBenchmark> SelectWholeRuns(IReadOnlyCollection<string>? names)
    {
        Select(names);   // unknown names fail the same way
        return names is null || names.Count == 0 ? WholeRuns : WholeRuns.Where(b => names.Contains(b.Name)).ToList();
    }
}

namespace SrTrain.Bench;

/// <summary><see cref="LoaderBenchmark"/> with <c>io_backend: {type: cache}</c>: the images are decoded once
/// (in the untimed preparation) and every batch crops from the memory-mapped cache. Python twin:
/// <c>loader_cache</c>, the same PyTorch DataLoader as <c>loader</c> (PyTorch has no such cache), so the
/// ratio is what the cache buys over BasicSR's loader.</summary>
public sealed class LoaderCacheBenchmark : LoaderBenchmark
{
    public override string Name => "loader_cache";
    public override string Description => "as loader, SrTrain side from the decode-once cache (io_backend type: cache)";
    // Many steps per round: when the PyTorch round ends, its workers refill their prefetch queue (4 batches,
    // ~0.5 s of decoding) while our round runs; with few, fast steps that refill, not our loader, is timed.
    public override int Iterations => 48;

    protected override Dictionary<string, object?> IoBackend(string root) =>
        new() { ["type"] = "cache", ["cache_dir"] = Path.Combine(root, "cache") };
}

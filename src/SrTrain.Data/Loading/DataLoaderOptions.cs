using SrTrain.Abstractions.Registry;

namespace SrTrain.Data.Loading;

/// <summary>How a <see cref="DataLoader"/> batches a dataset; read from the keys BasicSR puts in a dataset
/// section next to the dataset's own (<c>batch_size_per_gpu</c>, <c>num_worker_per_gpu</c>, ...).</summary>
/// <param name="BatchSize">Samples per batch (<c>batch_size_per_gpu</c>).</param>
/// <param name="NumWorkers">Worker threads decoding and augmenting; 0 loads on the calling thread (<c>num_worker_per_gpu</c>).</param>
/// <param name="Shuffle">New random order each epoch (<c>use_shuffle</c>).</param>
/// <param name="DropLast">Drop the last incomplete batch (BasicSR does for training).</param>
/// <param name="EnlargeRatio">Each epoch visits every sample this many times (<c>dataset_enlarge_ratio</c>).</param>
/// <param name="Prefetch">Batches prepared ahead of the consumer at most (<c>num_prefetch_queue</c>).</param>
/// <param name="Seed">Seed of shuffling, crops and flips (<c>manual_seed</c>).</param>
/// <param name="PinMemory">Put batches in page-locked memory for fast copies to a CUDA device.</param>
/// <param name="RandomStream">Where epoch orders, crops and flips come from (<c>random_stream</c>): <c>basicsr</c>
/// draws exactly what BasicSR's train.py draws for the same seed, num_worker_per_gpu and rank (EnlargedSampler's
/// torch.randperm seeded with the epoch; Python's random module in each loader worker, reseeded with
/// num_workers x rank + worker id + seed every epoch, or one stream seeded with seed + rank when there are no workers);
/// <c>per_sample</c> gives each sample its own generator from (seed, epoch, global position), so results depend on
/// neither the number of workers nor the number of ranks.</param>
/// <param name="Rank">This process's rank in data-parallel training: it loads epoch positions Rank, Rank + NumReplicas, ...</param>
/// <param name="NumReplicas">Ranks sharing each epoch (BasicSR's EnlargedSampler num_replicas).</param>
public sealed record DataLoaderOptions(int BatchSize = 1, int NumWorkers = 0, bool Shuffle = false, bool DropLast = false,
                                       int EnlargeRatio = 1, int Prefetch = 4, ulong Seed = 0, bool PinMemory = false,
                                       RandomStream RandomStream = RandomStream.PerSample, int Rank = 0, int NumReplicas = 1)
{
    /// <summary>Keys of a BasicSR dataset section that the loader (not the dataset) consumes; pass them as
    /// <c>ignoredKeys</c> when creating the dataset through the registry.</summary>
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>
    {
        "batch_size_per_gpu", "num_worker_per_gpu", "use_shuffle", "dataset_enlarge_ratio", "prefetch_mode",
        "pin_memory", "persistent_workers", "num_prefetch_queue", "drop_last", "random_stream", Checking.BadImagePolicy.Key,
    };

    /// <summary>Options from a dataset section, with BasicSR's defaults per phase: training shuffles and
    /// drops the last batch; validation/test uses batch 1 in file order unless the section says otherwise.</summary>
    public static DataLoaderOptions FromSection(IReadOnlyDictionary<string, object?> section, string phase, ulong seed,
                                                bool cudaTarget = false, string where = "datasets")
    {
        bool train = phase == "train";
        T Get<T>(string key, T fallback) =>
            section.TryGetValue(key, out var v) && v is not null ? (T)OptionConversion.Convert(v, typeof(T), $"{where}.{key}")! : fallback;
        var prefetchMode = Get<string?>("prefetch_mode", null);
        if (prefetchMode is not null && prefetchMode is not ("cpu" or "cuda" or "None" or "none" or "~"))
            throw new OptionException($"{where}.prefetch_mode: '{prefetchMode}' is not one of cpu, cuda, ~");
        var options = new DataLoaderOptions(
            BatchSize: Get("batch_size_per_gpu", 1),
            NumWorkers: Get("num_worker_per_gpu", train ? 2 : 0),
            Shuffle: Get("use_shuffle", train),
            DropLast: Get("drop_last", train),
            EnlargeRatio: train ? Get("dataset_enlarge_ratio", 1) : 1,
            Prefetch: Get("num_prefetch_queue", 4),
            Seed: seed,
            PinMemory: Get("pin_memory", cudaTarget) && cudaTarget,
            RandomStream: Get("random_stream", "basicsr") switch
            {
                "basicsr" => RandomStream.BasicSR,
                "per_sample" => RandomStream.PerSample,
                var other => throw new OptionException($"{where}.random_stream: '{other}' is not basicsr or per_sample"),
            });
        options.Validate(where);
        return options;
    }

    /// <summary>Throws an <see cref="OptionException"/> naming the first invalid value.</summary>
    public void Validate(string where = "datasets")
    {
        if (BatchSize < 1) throw new OptionException($"{where}.batch_size_per_gpu: must be >= 1, got {BatchSize}");
        if (NumWorkers < 0) throw new OptionException($"{where}.num_worker_per_gpu: must be >= 0, got {NumWorkers}");
        if (EnlargeRatio < 1) throw new OptionException($"{where}.dataset_enlarge_ratio: must be >= 1, got {EnlargeRatio}");
        if (Prefetch < 1) throw new OptionException($"{where}.num_prefetch_queue: must be >= 1, got {Prefetch}");
        if (NumReplicas < 1 || Rank < 0 || Rank >= NumReplicas)
            throw new ArgumentOutOfRangeException(nameof(Rank), $"rank {Rank} of {NumReplicas} replicas is not a valid shard");
    }
}

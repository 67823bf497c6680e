using SrTrain.Abstractions.Contracts;
using SrTrain.Data.Datasets;
using SrTrain.Torch;

namespace SrTrain.Data.Loading;

/// <summary>Threaded batch loader (PyTorch's DataLoader with BasicSR's EnlargedSampler): worker threads load,
/// crop, augment and collate whole batches in parallel, at most <see cref="DataLoaderOptions.Prefetch"/>
/// batches ahead; batches come out in order. Results depend only on the seed: the epoch order is drawn from
/// (seed, epoch) and each sample's crops/flips from (seed, epoch, position), never from thread timing. A
/// worker's exception is rethrown to the consumer; disposing the enumeration stops and joins the workers.</summary>
public sealed class DataLoader
{
    public DataLoader(IImageDataset dataset, DataLoaderOptions options)
    {
        options.Validate();
        if (dataset.Count == 0) throw new ArgumentException("the dataset is empty");
        (Dataset, Options) = (dataset, options);
    }

    public IImageDataset Dataset { get; }
    public DataLoaderOptions Options { get; }

    /// <summary>Samples this rank visits per epoch: dataset size x enlarge ratio, split over the replicas (rounded up,
    /// as BasicSR's EnlargedSampler: every rank gets the same count).</summary>
    public int SamplesPerEpoch => TotalSize / Options.NumReplicas;

    /// <summary>Positions of one epoch over all ranks: dataset size x enlarge ratio rounded up to a multiple of the replicas.</summary>
    public int TotalSize
    {
        get
        {
            int n = checked(Dataset.Count * Options.EnlargeRatio), r = Options.NumReplicas;
            return checked((n + r - 1) / r * r);
        }
    }

    /// <summary>Batches per epoch after drop_last.</summary>
    public int BatchesPerEpoch => Options.DropLast ? SamplesPerEpoch / Options.BatchSize : (SamplesPerEpoch + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The dataset indices this rank visits in one epoch, in order: positions Rank, Rank + NumReplicas, ... of
    /// a permutation of <see cref="TotalSize"/> positions drawn from (seed, epoch), identical on every rank; a position
    /// maps to sample position % dataset size (BasicSR's EnlargedSampler).</summary>
    public int[] Order(int epoch)
    {
        int total = TotalSize;
        var all = new int[total];
        for (int i = 0; i < total; i++) all[i] = i;
        if (Options.Shuffle)
        {
            var rng = SampleRng.For(Options.Seed, epoch, -1);
            for (int i = total - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (all[i], all[j]) = (all[j], all[i]);
            }
        }
        var order = new int[SamplesPerEpoch];
        for (int p = 0; p < order.Length; p++) order[p] = all[GlobalPosition(p)] % Dataset.Count;
        return order;
    }

    /// <summary>Where this rank's epoch position <paramref name="p"/> lies in the epoch over all ranks; a sample's crop
    /// and flips are drawn from it, so N ranks of batch B see exactly the samples of one rank of batch N x B.</summary>
    public int GlobalPosition(int p) => p * Options.NumReplicas + Options.Rank;

    /// <summary>The batches of <paramref name="epoch"/> from <paramref name="firstBatch"/> on (a resumed run
    /// skips what it has seen without loading it). Each <see cref="SrBatch"/> is owned by the caller (dispose it).</summary>
    public IEnumerable<SrBatch> Epoch(int epoch, int firstBatch = 0)
    {
        using var run = new EpochRun(this, epoch, firstBatch);
        for (int b = firstBatch; b < BatchesPerEpoch; b++)
            yield return run.Take(b);
    }

    /// <summary>Loads and collates batch <paramref name="batch"/> of an epoch (called by workers or inline).</summary>
    internal PreparedBatch Prepare(int epoch, int[] order, int batch)
    {
        int start = batch * Options.BatchSize, end = Math.Min(start + Options.BatchSize, order.Length);
        var samples = new Sample[end - start];
        for (int p = start; p < end; p++)
            samples[p - start] = Dataset.Get(order[p], SampleRng.For(Options.Seed, epoch, GlobalPosition(p)));
        return PreparedBatch.Collate(samples);
    }

    internal SrBatch ToBatch(int epoch, int index, PreparedBatch prepared)
    {
        if (prepared.Lq is null)
            throw new InvalidDataException("the dataset gives no LQ images: SR training needs dataroot_lq or an on-the-fly dataset");
        Tensor? lq = null, gt = null;
        try
        {
            lq = MakeTensor(prepared.Lq, prepared.LqShape)!;
            gt = MakeTensor(prepared.Gt, prepared.GtShape);
            var names = prepared.LqPaths.Zip(prepared.GtPaths, (l, g) => Path.GetFileNameWithoutExtension(l ?? g ?? "")).ToList();
            return new SrBatch(lq, gt, names) { LqPaths = prepared.LqPaths, GtPaths = prepared.GtPaths, Epoch = epoch, Index = index };
        }
        catch
        {
            lq?.Dispose();
            gt?.Dispose();
            throw;
        }
    }

    private Tensor? MakeTensor(float[]? data, long[]? shape)
    {
        if (data is null || shape is null) return null;
        var t = Tensor.From(data, shape).DetachFromDisposeScope();
        if (!Options.PinMemory) return t;
        using (t) return t.PinMemory().DetachFromDisposeScope();
    }
}

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

    /// <summary>Samples visited per epoch (dataset size x enlarge ratio).</summary>
    public int SamplesPerEpoch => checked(Dataset.Count * Options.EnlargeRatio);

    /// <summary>Batches per epoch after drop_last.</summary>
    public int BatchesPerEpoch => Options.DropLast ? SamplesPerEpoch / Options.BatchSize : (SamplesPerEpoch + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The dataset indices of one epoch, in visiting order.</summary>
    public int[] Order(int epoch)
    {
        int n = SamplesPerEpoch;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (Options.Shuffle)
        {
            var rng = SampleRng.For(Options.Seed, epoch, -1);
            for (int i = n - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        for (int i = 0; i < n; i++) order[i] %= Dataset.Count;
        return order;
    }

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
        // A multi-scale dataset's batches are each of one scale, drawn per batch (MDSR / VDSR training).
        int? scale = Dataset is IMultiScaleDataset ms ? ms.DrawScale(Options.Seed, epoch, batch) : null;
        for (int p = start; p < end; p++)
        {
            var rng = SampleRng.For(Options.Seed, epoch, p);
            samples[p - start] = scale is { } s ? ((IMultiScaleDataset)Dataset).Get(order[p], rng, s) : Dataset.Get(order[p], rng);
        }
        var prepared = PreparedBatch.Collate(samples);
        prepared.Scale = scale;
        return prepared;
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
            return new SrBatch(lq, gt, names) { LqPaths = prepared.LqPaths, GtPaths = prepared.GtPaths, Epoch = epoch, Index = index, Scale = prepared.Scale };
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

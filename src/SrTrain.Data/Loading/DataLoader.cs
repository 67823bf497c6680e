using SrTrain.Abstractions.Contracts;
using SrTrain.Data.Datasets;
using SrTrain.Data.Sampling;
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
        int[] all;
        if (Options.Shuffle && Options.RandomStream == RandomStream.BasicSR)
            all = TorchRandPerm.Permutation(total, (ulong)epoch);   // EnlargedSampler: seeded with the epoch alone
        else
        {
            all = new int[total];
            for (int i = 0; i < total; i++) all[i] = i;
        }
        if (Options.Shuffle && Options.RandomStream != RandomStream.BasicSR)
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

    /// <summary>Loads and collates batch <paramref name="batch"/> of an epoch (called by workers or inline). With
    /// BasicSR's streams, <paramref name="stream"/> is the generator of the worker that loads it, at this batch's draws.</summary>
    internal PreparedBatch Prepare(int epoch, int[] order, int batch, SampleRng? stream = null)
    {
        int start = batch * Options.BatchSize, end = Math.Min(start + Options.BatchSize, order.Length);
        var samples = new Sample[end - start];
        // A multi-scale dataset's batches are each of one scale, drawn per batch (MDSR / VDSR training).
        int? scale = Dataset is IMultiScaleDataset ms ? ms.DrawScale(Options.Seed, epoch, batch) : null;
        try
        {
            for (int p = start; p < end; p++)
            {
                // Posted for the stall watchdog: a hung read shows which sample and since when.
                ActivityBoard.Post($"reading sample {order[p]} (epoch {epoch}, batch {batch}, position {p})");
                var rng = stream ?? SampleRng.For(Options.Seed, epoch, GlobalPosition(p));
                samples[p - start] = scale is { } s ? ((IMultiScaleDataset)Dataset).Get(order[p], rng, s) : Dataset.Get(order[p], rng);
            }
            var prepared = PreparedBatch.Collate(samples);
            prepared.Scale = scale;
            return prepared;
        }
        finally
        {
            ActivityBoard.Clear();
        }
    }

    /// <summary>Advances <paramref name="stream"/> past batch <paramref name="batch"/>'s draws without loading it (a
    /// resumed run's workers catch up with the batches it has already seen).</summary>
    internal void Skip(int epoch, int[] order, int batch, SampleRng stream)
    {
        int start = batch * Options.BatchSize, end = Math.Min(start + Options.BatchSize, order.Length);
        int? scale = Dataset is IMultiScaleDataset ms ? ms.DrawScale(Options.Seed, epoch, batch) : null;
        for (int p = start; p < end; p++)
            if (scale is { } s) ((IMultiScaleDataset)Dataset).SkipDraws(order[p], stream, s);
            else Dataset.SkipDraws(order[p], stream);
    }

    // BasicSR's loader without workers draws from the main process's random module, seeded once with the seed and
    // never reseeded: one stream through every epoch, kept with the epoch and batch it has reached.
    private (PythonRandom Stream, int Epoch, int Batch)? mainStream;

    /// <summary>With BasicSR's streams and no workers: the main stream positioned at (<paramref name="epoch"/>,
    /// <paramref name="batch"/>), replaying the draws of every earlier batch when the run resumed elsewhere.</summary>
    internal PythonRandom MainStream(int epoch, int batch)
    {
        if (mainStream is { } m && m.Epoch == epoch && m.Batch == batch) return m.Stream;
        // BasicSR's set_random_seed(seed + rank).
        var stream = new PythonRandom((long)Options.Seed + Options.Rank);
        for (int e = 0; e <= epoch; e++)
        {
            var order = Order(e);
            for (int b = 0; b < (e == epoch ? batch : BatchesPerEpoch); b++) Skip(e, order, b, stream);
        }
        mainStream = (stream, epoch, batch);
        return stream;
    }

    /// <summary>Records that the main stream has drawn batch <paramref name="batch"/> of <paramref name="epoch"/>.</summary>
    internal void MainStreamAdvanced(int epoch, int batch) =>
        mainStream = mainStream is { } m ? (m.Stream, batch + 1 >= BatchesPerEpoch ? epoch + 1 : epoch, batch + 1 >= BatchesPerEpoch ? 0 : batch + 1)
                                         : null;

    /// <summary>BasicSR's worker_init_fn seed for loader worker <paramref name="worker"/>: num_workers x rank + worker id + seed.</summary>
    internal PythonRandom WorkerStream(int worker) => new((long)Options.NumWorkers * Options.Rank + worker + (long)Options.Seed);

    internal SrBatch ToBatch(int epoch, int index, PreparedBatch prepared)
    {
        // A GT-only dataset with degradation kernels (RealESRGANDataset) leaves the LQ to the model.
        bool synthesised = prepared.Lq is null && prepared.Gt is not null && prepared.Extras.Count > 0;
        if (prepared.Lq is null && !synthesised)
            throw new InvalidDataException("the dataset gives no LQ images: SR training needs dataroot_lq or an on-the-fly dataset");
        Tensor? lq = null, gt = null;
        var extras = new Dictionary<string, Tensor>();
        try
        {
            gt = MakeTensor(prepared.Gt, prepared.GtShape);
            lq = synthesised ? gt!.Alias().DetachFromDisposeScope() : MakeTensor(prepared.Lq, prepared.LqShape)!;
            foreach (var (key, (data, shape)) in prepared.Extras) extras[key] = MakeTensor(data, shape)!;
            var names = prepared.LqPaths.Zip(prepared.GtPaths, (l, g) => Path.GetFileNameWithoutExtension(l ?? g ?? "")).ToList();
            return new SrBatch(lq, gt, names)
            {
                LqPaths = prepared.LqPaths, GtPaths = prepared.GtPaths, Epoch = epoch, Index = index, Scale = prepared.Scale,
                Extras = extras, LqIsSynthesised = synthesised,
            };
        }
        catch
        {
            lq?.Dispose();
            gt?.Dispose();
            foreach (var t in extras.Values) t.Dispose();
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

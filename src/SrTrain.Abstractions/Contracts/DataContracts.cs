using SrTrain.Torch;

namespace SrTrain.Abstractions.Contracts;

/// <summary>The one batch type from the data loader to the model: NCHW float tensors in [0, 1] (pinned when the loader
/// targets CUDA, then on the training device), owned by the batch (dispose it, or let the iteration's dispose scope
/// do it; disposing twice is harmless). A dataset returns one image per index (SrTrain.Data's <c>Sample</c>, HWC on a
/// worker thread); the loader collates samples into this.</summary>
public sealed class SrBatch(Tensor lq, Tensor? gt, IReadOnlyList<string> names) : IDisposable
{
    /// <summary>Low-quality input, (N, C, h, w).</summary>
    public Tensor Lq { get; } = lq;

    /// <summary>Ground truth, (N, C, h*scale, w*scale), or null for LQ-only sets.</summary>
    public Tensor? Gt { get; } = gt;

    /// <summary>Image names (file stems) of the batch's samples.</summary>
    public IReadOnlyList<string> Names { get; } = names;

    /// <summary>The LQ file of each sample, when a loader made the batch (null where a sample has none).</summary>
    public IReadOnlyList<string?> LqPaths { get; init; } = [];

    /// <summary>The GT file of each sample, when a loader made the batch (null where a sample has none).</summary>
    public IReadOnlyList<string?> GtPaths { get; init; } = [];

    /// <summary>The epoch a loader made the batch for.</summary>
    public int Epoch { get; init; }

    /// <summary>Position of the batch in its epoch.</summary>
    public int Index { get; init; }

    /// <summary>The batch's scale when the training set is multi-scale (<c>scales: [2, 3, 4]</c>), else null (the run's <c>scale</c>).</summary>
    public int? Scale { get; init; }

    /// <summary>Per-sample tensors a dataset gives besides the images, stacked on the batch dimension and owned by the
    /// batch: RealESRGANDataset's <c>kernel1</c>, <c>kernel2</c> and <c>sinc_kernel</c> (N, 21, 21).</summary>
    public IReadOnlyDictionary<string, Tensor> Extras { get; init; } = new Dictionary<string, Tensor>();

    /// <summary>True when the dataset gives GT images only and the model synthesises the LQ from them
    /// (RealESRGANDataset); <see cref="Lq"/> is then the GT itself, a placeholder.</summary>
    public bool LqIsSynthesised { get; init; }

    /// <summary>Number of samples.</summary>
    public int Count => (int)Lq.Size(0);

    /// <summary>This batch on <paramref name="device"/>: itself when it is there, else a copy (this one is disposed). The one
    /// place a training or validation batch moves to the training device: tensors in pinned host memory (the loader's
    /// <c>pin_memory</c>, on by default for CUDA) are copied asynchronously (PyTorch: .to(device, non_blocking=True)).</summary>
    public SrBatch To(Device device)
    {
        if (device.Type == DeviceType.Cpu ? Lq.Device.Type == DeviceType.Cpu : Lq.Device == device) return this;
        Tensor Move(Tensor t) => t.To(t.DType, device, nonBlocking: device.Type == DeviceType.Cuda && t.IsPinned).DetachFromDisposeScope();
        var gt = Gt is null ? null : Move(Gt);
        var lq = LqIsSynthesised && gt is not null ? gt.Alias().DetachFromDisposeScope() : Move(Lq);
        var extras = Extras.ToDictionary(kv => kv.Key, kv => Move(kv.Value));
        Dispose();
        return new SrBatch(lq, gt, Names)
        {
            LqPaths = LqPaths, GtPaths = GtPaths, Epoch = Epoch, Index = Index, Scale = Scale, Extras = extras, LqIsSynthesised = LqIsSynthesised,
        };
    }

    public void Dispose()
    {
        Lq.Dispose();
        Gt?.Dispose();
        foreach (var t in Extras.Values) t.Dispose();
    }
}

/// <summary>The training stream: epochs of batches, deterministic given the seed, restartable at
/// any (epoch, batch) so a resumed run sees exactly the batches an uninterrupted one would.</summary>
public interface ITrainLoader : IDisposable
{
    /// <summary>Number of samples (after dataset_enlarge_ratio).</summary>
    int DatasetSize { get; }

    /// <summary>Batches in one epoch.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>The batches of <paramref name="epoch"/>, starting at <paramref name="firstBatch"/>,
    /// created on the calling thread (so its dispose scope owns them).</summary>
    IEnumerable<SrBatch> Epoch(int epoch, int firstBatch = 0);
}

/// <summary>A validation or test set: whole images, one at a time.</summary>
public interface IImageSet
{
    string Name { get; }
    int Count { get; }

    /// <summary>The scale of this set's images when its section names one (<c>val_x2: {scale: 2, ...}</c>, multi-scale
    /// validation), else null (the run's <c>scale</c>).</summary>
    int? Scale => null;

    /// <summary>Batches of one image each (N = 1), created on the calling thread.</summary>
    IEnumerable<SrBatch> Images();
}

/// <summary>Builds the data side of an experiment from its dataset sections (implemented by
/// SrTrain.Data; the CLI passes it to the engine so the engine never references Data).</summary>
public interface IDataPipeline
{
    /// <summary>The training loader of <paramref name="section"/>; <paramref name="shard"/> (default: the whole epoch) picks
    /// this rank's part of each epoch; problems met while loading (e.g. an image skipped under <c>on_bad_image: skip</c>)
    /// go to <paramref name="warn"/>, called from loader threads (null: standard error).</summary>
    ITrainLoader CreateTrainLoader(string phaseName, Dictionary<string, object?> section, int scale, long seed, Device device,
                                   DataShard? shard = null, Action<string>? warn = null);

    IImageSet CreateImageSet(string phaseName, Dictionary<string, object?> section, int scale, Device device);
}

/// <summary>Reads and writes images for validation output and inference (implemented by SrTrain.Data).</summary>
public interface IImageWriter
{
    /// <summary>Writes a (1, C, H, W) or (C, H, W) tensor in [0, 1] as an image file (clamp, round).</summary>
    void Write(Tensor image, string path);
}

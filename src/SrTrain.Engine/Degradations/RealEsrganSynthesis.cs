using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Engine.Degradations;

/// <summary>The training-data synthesis the Real-ESRGAN models share (BasicSR's feed_data of RealESRNetModel and
/// RealESRGANModel): optional USM of the GT, the degradation with the batch's kernels and a plan drawn from
/// (seed, epoch, batch), a random aligned crop of gt_size, then the training-pair pool.</summary>
public sealed class RealEsrganSynthesis : IDisposable
{
    private readonly UsmSharpener usm;
    private readonly TrainingPairPool? pool;
    private readonly long seed;
    private readonly int scale;

    public RealEsrganSynthesis(ExperimentOptions options, Device device)
    {
        Options = new DegradationOptions(options);
        (seed, scale) = (options.ManualSeed ?? 0, options.Scale);
        usm = new UsmSharpener(device);
        pool = Options.QueueSize > 0 ? new TrainingPairPool(Options.QueueSize) : null;
    }

    /// <summary>Whether a Real-ESRGAN model synthesises its training LQ (<c>high_order_degradation</c>, default true, as in
    /// Real-ESRGAN's models) or trains on the LQ of a paired dataset (false). A training set that does not fit the choice
    /// is an error naming the key: GT-only data without synthesis has no LQ, and synthesis would ignore a paired set's LQ.</summary>
    public static bool SynthesisesLq(ExperimentOptions o)
    {
        bool highOrder = o.HighOrderDegradation ?? true;
        var type = o.Datasets.TryGetValue("train", out var s) && s is Dictionary<string, object?> d && d.TryGetValue("type", out var t) ? t as string : null;
        if (!highOrder && type == "RealESRGANDataset")
            throw new OptionException("high_order_degradation: false trains on the dataset's LQ images, but datasets.train is a RealESRGANDataset " +
                                      "(GT only): use RealESRGANPairedDataset or PairedImageDataset, or set high_order_degradation: true");
        if (highOrder && type is "PairedImageDataset" or "RealESRGANPairedDataset")
            throw new OptionException($"datasets.train is a {type}, whose LQ images the Real-ESRGAN models would not use: they synthesise the " +
                                      "LQ from a RealESRGANDataset; set high_order_degradation: false to train on the pairs");
        return highOrder;
    }

    /// <summary>The degradation keys of the option file.</summary>
    public DegradationOptions Options { get; }

    /// <summary>The synthesised pair of <paramref name="batch"/> (made inside the caller's dispose scope): LQ, GT and,
    /// with <paramref name="keepUsm"/>, the USM-sharpened GT. With <paramref name="degradeUsm"/> the degradation starts
    /// from the sharpened GT (RealESRGANModel always; RealESRNetModel with gt_usm, which then also trains on it).</summary>
    public (Tensor Lq, Tensor Gt, Tensor? GtUsm) Make(SrBatch batch, bool degradeUsm, bool keepUsm)
    {
        var gt = batch.Gt ?? throw new InvalidOperationException("a synthesised batch has GT images");
        var kernels = new[] { "kernel1", "kernel2", "sinc_kernel" }.Select(k => batch.Extras.TryGetValue(k, out var t) ? t
            : throw new OptionException($"the training batch has no '{k}': train Real-ESRGAN models on a RealESRGANDataset")).ToArray();
        using var noGrad = LibTorch.NoGrad();
        var sharp = degradeUsm || keepUsm ? usm.Apply(gt) : null;
        var rng = DegradationPlan.RandomFor(seed, batch.Epoch, batch.Index);
        var plan = DegradationPlan.Draw(Options, batch.Count, rng);
        var lq = RealEsrganDegradation.Apply(degradeUsm ? sharp! : gt, kernels[0], kernels[1], kernels[2], plan, scale);

        long lqSize = Options.GtSize / scale, h = lq.Size(2), w = lq.Size(3);
        if (h < lqSize || w < lqSize)
            throw new OptionException($"gt_size {Options.GtSize} is larger than the GT the dataset gives ({h * scale}x{w * scale}, crop_pad_size)");
        long top = rng.Next((int)(h - lqSize + 1)), left = rng.Next((int)(w - lqSize + 1));
        Tensor Crop(Tensor t, long s) => t.Slice(2, top * s, (top + lqSize) * s).Slice(3, left * s, (left + lqSize) * s);
        var parts = new List<Tensor> { Crop(lq, 1), Crop(degradeUsm && !keepUsm ? sharp! : gt, scale) };
        if (keepUsm) parts.Add(Crop(sharp!, scale));
        var result = pool is null ? parts.ToArray() : pool.Exchange(parts.ToArray(), rng);
        return (result[0].Contiguous(), result[1].Contiguous(), keepUsm ? result[2].Contiguous() : null);
    }

    public void Dispose()
    {
        usm.Dispose();
        pool?.Dispose();
    }
}

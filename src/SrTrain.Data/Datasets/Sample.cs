namespace SrTrain.Data.Datasets;

/// <summary>One training/validation example: LQ and/or GT image (HWC, [0, 1]) and the files they came from
/// (BasicSR's <c>{'lq', 'gt', 'lq_path', 'gt_path'}</c> dict).</summary>
public sealed record Sample(Image? Lq, Image? Gt, string? LqPath, string? GtPath)
{
    /// <summary>Further per-sample arrays by key (RealESRGANDataset's <c>kernel1</c>, <c>kernel2</c>, <c>sinc_kernel</c>),
    /// each with its shape; the loader stacks them into <c>SrBatch.Extras</c>.</summary>
    public IReadOnlyDictionary<string, (float[] Data, long[] Shape)> Extras { get; init; } = new Dictionary<string, (float[], long[])>();
}

using SrTrain.Abstractions.Registry;

namespace SrTrain.Engine.Metrics;

/// <summary>NIQE, no-reference (<c>val.metrics.niqe: {type: calculate_niqe, crop_border: 4}</c>), BasicSR's
/// calculate_niqe: <c>convert_to</c> 'y' (default) or 'gray'; lower is better. <c>num_thread</c> is accepted and
/// ignored, as BasicSR's **kwargs ignore it (its train_MSRResNet_x4.yml sets num_thread: 8).</summary>
[Metric("calculate_niqe")]
public sealed class NiqeMetric : INoReferenceMetric
{
    /// <param name="cropBorder">pixels cut from each edge before scoring; at least 192x192 must remain.</param>
    /// <param name="inputOrder">HWC (the only layout of images here).</param>
    /// <param name="convertTo">'y' (BT.601 luma, as MATLAB's rgb2ycbcr) or 'gray' (OpenCV BGR2GRAY weights).</param>
    /// <param name="better">'lower' (NIQE: lower is more natural) or 'higher'; decides the best value kept.</param>
    /// <param name="numThread">BasicSR's key, ignored (one image is scored on one thread).</param>
    public NiqeMetric(int cropBorder, string inputOrder = "HWC", string convertTo = "y", string better = "lower", int numThread = 1)
    {
        MetricOptions.Check(cropBorder, inputOrder, better);
        if (convertTo is not ("y" or "gray"))
            throw new ArgumentException($"convert_to must be 'y' or 'gray', got '{convertTo}'");
        if (numThread < 0) throw new ArgumentException($"num_thread must be >= 0, got {numThread}");
        (CropBorder, ConvertTo, Better) = (cropBorder, convertTo, better);
    }

    public int CropBorder { get; }
    public string ConvertTo { get; }
    public string Better { get; }

    public double Calculate(HwcImage img, string? source = null) => Niqe.Calculate(img, CropBorder, ConvertTo, source);
}

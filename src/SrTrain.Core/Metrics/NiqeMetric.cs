using SrTrain.Core.Registry;

namespace SrTrain.Core.Metrics;

/// <summary>NIQE, no-reference (<c>val.metrics.niqe: {type: calculate_niqe, crop_border: 4}</c>), BasicSR's
/// calculate_niqe: <c>convert_to</c> 'y' (default) or 'gray'; lower is better. <c>num_thread</c> is accepted and
/// ignored, as BasicSR's **kwargs ignore it (its train_MSRResNet_x4.yml sets num_thread: 8).</summary>
[Metric("calculate_niqe")]
public sealed class NiqeMetric : INoReferenceMetric
{
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

using SrTrain.Abstractions.Registry;

namespace SrTrain.Engine.Metrics;

/// <summary>SSIM on images (<c>val.metrics.ssim: {type: calculate_ssim, crop_border: 4, test_y_channel: false}</c>).</summary>
[Metric("calculate_ssim")]
public sealed class SsimMetric : IImageMetric
{
    public SsimMetric(int cropBorder, string inputOrder = "HWC", bool testYChannel = false, string better = "higher")
    {
        MetricOptions.Check(cropBorder, inputOrder, better);
        (CropBorder, TestYChannel, Better) = (cropBorder, testYChannel, better);
    }

    public int CropBorder { get; }
    public bool TestYChannel { get; }
    public string Better { get; }

    public double Calculate(HwcImage img, HwcImage img2) => Ssim.Calculate(img, img2, CropBorder, TestYChannel);
}

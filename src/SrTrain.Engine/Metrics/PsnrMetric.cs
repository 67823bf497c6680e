using SrTrain.Abstractions.Registry;

namespace SrTrain.Engine.Metrics;

/// <summary>PSNR on images (<c>val.metrics.psnr: {type: calculate_psnr, crop_border: 4, test_y_channel: false}</c>).</summary>
[Metric("calculate_psnr")]
public sealed class PsnrMetric : IImageMetric
{
    public PsnrMetric(int cropBorder, string inputOrder = "HWC", bool testYChannel = false, string better = "higher")
    {
        MetricOptions.Check(cropBorder, inputOrder, better);
        (CropBorder, TestYChannel, Better) = (cropBorder, testYChannel, better);
    }

    public int CropBorder { get; }
    public bool TestYChannel { get; }
    public string Better { get; }

    public double Calculate(HwcImage img, HwcImage img2) => Psnr.Calculate(img, img2, CropBorder, TestYChannel);
}

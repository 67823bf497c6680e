using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Engine.Metrics;

/// <summary>SSIM on batches of (N, C, H, W) images in [0, 1] (<c>type: calculate_ssim_pt</c>).</summary>
[Metric("calculate_ssim_pt")]
public sealed class SsimPtMetric : ITensorMetric
{
    public SsimPtMetric(int cropBorder, bool testYChannel = false, string better = "higher")
    {
        MetricOptions.Check(cropBorder, "HWC", better);
        (CropBorder, TestYChannel, Better) = (cropBorder, testYChannel, better);
    }

    public int CropBorder { get; }
    public bool TestYChannel { get; }
    public string Better { get; }

    public Tensor Calculate(Tensor img, Tensor img2) => Ssim.CalculatePt(img, img2, CropBorder, TestYChannel);
}

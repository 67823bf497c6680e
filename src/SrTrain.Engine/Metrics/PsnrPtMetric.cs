using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Engine.Metrics;

/// <summary>PSNR on batches of (N, C, H, W) images in [0, 1] (<c>type: calculate_psnr_pt</c>).</summary>
[Metric("calculate_psnr_pt")]
public sealed class PsnrPtMetric : ITensorMetric
{
    public PsnrPtMetric(int cropBorder, bool testYChannel = false, string better = "higher")
    {
        MetricOptions.Check(cropBorder, "HWC", better);
        (CropBorder, TestYChannel, Better) = (cropBorder, testYChannel, better);
    }

    public int CropBorder { get; }
    public bool TestYChannel { get; }
    public string Better { get; }

    public Tensor Calculate(Tensor img, Tensor img2) => Psnr.CalculatePt(img, img2, CropBorder, TestYChannel);
}

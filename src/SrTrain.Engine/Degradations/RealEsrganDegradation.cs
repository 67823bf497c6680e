using SrTrain.Torch;

namespace SrTrain.Engine.Degradations;

/// <summary>Real-ESRGAN's second-order degradation of a GT batch (Wang et al. 2021, Fig. 2; BasicSR's
/// RealESRNetModel.feed_data): blur with kernel1, resize, noise, JPEG; then blur with kernel2 (sometimes), resize, noise;
/// then, in random order, [resize to GT / scale and sinc filter] and JPEG; finally clamp and round to 8 bits.</summary>
public static class RealEsrganDegradation
{
    /// <summary>The LQ batch (N, 3, H/scale, W/scale) for <paramref name="gt"/> (N, 3, H, W) in [0, 1], with the
    /// dataset's kernels (N, k, k) and the batch's <paramref name="plan"/>; noise fields come from libtorch's generator.</summary>
    public static Tensor Apply(Tensor gt, Tensor kernel1, Tensor kernel2, Tensor sinc, DegradationPlan plan, int scale)
    {
        long h = gt.Size(2), w = gt.Size(3);
        var first = plan.First;
        var x = Filter2D.Apply(gt, kernel1);
        x = Resize.ByScale(x, first.Scale, first.Mode);
        x = Noise(x, first);
        x = TensorJpeg.Apply(x.Clamp(0, 1), first.Jpeg);

        var second = plan.Second;
        if (second.Blur) x = Filter2D.Apply(x, kernel2);
        // BasicSR: int(ori_h / scale * s), a float64 product truncated.
        x = Resize.ToSize(x, (long)(h / (double)scale * second.Scale), (long)(w / (double)scale * second.Scale), second.Mode);
        x = Noise(x, second);

        if (plan.SincFirst)
        {
            x = Filter2D.Apply(Resize.ToSize(x, h / scale, w / scale, plan.FinalMode), sinc);
            x = TensorJpeg.Apply(x.Clamp(0, 1), plan.FinalJpeg);
        }
        else
        {
            x = TensorJpeg.Apply(x.Clamp(0, 1), plan.FinalJpeg);
            x = Filter2D.Apply(Resize.ToSize(x, h / scale, w / scale, plan.FinalMode), sinc);
        }
        return (x * 255.0).Round().Clamp(0, 255) / 255.0;
    }

    private static Tensor Noise(Tensor x, StagePlan stage) =>
        stage.Gaussian ? DegradationNoise.Gaussian(x, stage.Noise, stage.Gray) : DegradationNoise.Poisson(x, stage.Noise, stage.Gray);
}

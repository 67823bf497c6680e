using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace ResearchExample;

/// <summary>A research loss defined outside SrTrain: L1 on the image plus L1 on its high frequencies (the image
/// minus its 2x2 average-pooled and upsampled copy), weighting edges and texture more than flat areas.
/// <c>pixel_opt: {type: FrequencyL1Loss, loss_weight: 1.0, high_weight: 1.0}</c>.</summary>
[Loss("FrequencyL1Loss")]
public sealed class FrequencyL1Loss(double lossWeight = 1.0, double highWeight = 1.0) : IPixelLoss
{
    public Tensor Forward(Tensor prediction, Tensor target, Tensor? weight = null)
    {
        if (weight is not null) throw new NotSupportedException("FrequencyL1Loss takes no per-pixel weight");
        var l1 = F.L1Loss(prediction, target);
        var high = F.L1Loss(HighPass(prediction), HighPass(target));
        return (l1 + high * highWeight) * lossWeight;
    }

    private static Tensor HighPass(Tensor x) => x - F.Interpolate(F.AvgPool2d(x, 2), 2, InterpolationMode.Nearest);
}

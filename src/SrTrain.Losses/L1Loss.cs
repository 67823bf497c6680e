using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Losses;

/// <summary>Mean absolute error, times <c>loss_weight</c> (<c>pixel_opt: {type: L1Loss, loss_weight: 1.0, reduction: mean}</c>).</summary>
[Loss("L1Loss")]
public sealed class L1Loss(double lossWeight = 1.0, Reduction reduction = Reduction.Mean) : IPixelLoss
{
    public double LossWeight { get; } = lossWeight;
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor pred, Tensor target, Tensor? weight = null)
    {
        var loss = weight is null ? F.L1Loss(pred, target, Reduction)
                                  : WeightedReduction.Apply(F.L1Loss(pred, target, Reduction.None), weight, Reduction);
        return LossWeight == 1.0 ? loss : loss * LossWeight;
    }
}

using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Losses;

/// <summary>Charbonnier loss sqrt((pred - target)^2 + eps), a differentiable L1 (LapSRN; BasicSR's eps 1e-12),
/// times <c>loss_weight</c> (<c>pixel_opt: {type: CharbonnierLoss, eps: !!float 1e-12}</c>).</summary>
[Loss("CharbonnierLoss")]
public sealed class CharbonnierLoss(double lossWeight = 1.0, Reduction reduction = Reduction.Mean, double eps = 1e-12) : IPixelLoss
{
    public double LossWeight { get; } = lossWeight;
    public Reduction Reduction { get; } = reduction;
    public double Eps { get; } = eps;

    public Tensor Forward(Tensor pred, Tensor target, Tensor? weight = null)
    {
        var elementwise = ((pred - target).Square() + Eps).Sqrt();
        var loss = WeightedReduction.Apply(elementwise, weight, Reduction);
        return LossWeight == 1.0 ? loss : loss * LossWeight;
    }
}

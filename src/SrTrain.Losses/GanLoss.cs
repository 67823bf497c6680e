using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Losses;

/// <summary>The adversarial loss of a discriminator's output (<c>gan_opt: {type: GANLoss, gan_type: vanilla,
/// real_label_val: 1.0, fake_label_val: 0.0, loss_weight: !!float 5e-3}</c>). As in BasicSR,
/// <c>loss_weight</c> scales the generator's loss only; the discriminator's loss is unweighted.</summary>
[Loss("GANLoss")]
public sealed class GanLoss(GanType ganType, double realLabelVal = 1.0, double fakeLabelVal = 0.0, double lossWeight = 1.0) : IGanLoss
{
    public GanType GanType { get; } = ganType;
    public double RealLabelVal { get; } = realLabelVal;
    public double FakeLabelVal { get; } = fakeLabelVal;
    public double LossWeight { get; } = lossWeight;

    /// <summary>The loss of discriminator output <paramref name="input"/> (logits) for the label
    /// real/fake; <paramref name="isDisc"/> marks the discriminator's step (PyTorch/BasicSR:
    /// <c>forward(input, target_is_real, is_disc=False)</c>).</summary>
    public Tensor Forward(Tensor input, bool targetIsReal, bool isDisc = false)
    {
        var loss = GanType switch
        {
            GanType.Vanilla => F.BinaryCrossEntropyWithLogits(input, Label(input, targetIsReal)),
            GanType.Lsgan => F.MseLoss(input, Label(input, targetIsReal)),
            GanType.Wgan => targetIsReal ? -input.Mean() : input.Mean(),
            GanType.WganSoftplus => F.Softplus(targetIsReal ? -input : input).Mean(),
            GanType.Hinge when isDisc => F.Relu(1.0 + (targetIsReal ? -input : input)).Mean(),
            GanType.Hinge => -input.Mean(),
            _ => throw new ArgumentOutOfRangeException(nameof(GanType), GanType, "unknown gan_type"),
        };
        return isDisc || LossWeight == 1.0 ? loss : loss * LossWeight;
    }

    private Tensor Label(Tensor input, bool targetIsReal) => input.FullLike(targetIsReal ? RealLabelVal : FakeLabelVal);
}

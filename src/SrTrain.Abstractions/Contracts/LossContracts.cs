using SrTrain.Torch;

namespace SrTrain.Abstractions.Contracts;

/// <summary>A loss between a prediction and a target (L1Loss, MSELoss, CharbonnierLoss); the
/// option's loss_weight is already applied.</summary>
public interface IPixelLoss
{
    Tensor Forward(Tensor prediction, Tensor target, Tensor? weight = null);
}

/// <summary>The VGG perceptual loss: (perceptual, style) terms, either null when its weight is 0.</summary>
public interface IPerceptualLoss : IDisposable
{
    (Tensor? Perceptual, Tensor? Style) Forward(Tensor prediction, Tensor target);
}

/// <summary>An adversarial loss as BasicSR's GANLoss: loss_weight applies on the generator side only.</summary>
public interface IGanLoss
{
    Tensor Forward(Tensor discriminatorOutput, bool targetIsReal, bool isDiscriminator);
}

using SrTrain.Torch;

namespace SrTrain.Losses;

/// <summary>A loss between a prediction and a target of the same shape, optionally weighted per
/// element (PyTorch/BasicSR: <c>loss(pred, target, weight=None)</c>).</summary>
public interface IPixelLoss
{
    /// <summary>The loss; <paramref name="weight"/> has the prediction's shape or one channel (N, 1, H, W).</summary>
    Tensor Forward(Tensor pred, Tensor target, Tensor? weight = null);
}

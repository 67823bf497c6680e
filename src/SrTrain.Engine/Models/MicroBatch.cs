using SrTrain.Torch;

namespace SrTrain.Engine.Models;

/// <summary>Where a step is within gradient accumulation (<c>train.accum_iter</c>): micro-batch
/// <see cref="Index"/> of <see cref="Count"/> of one optimizer step. Gradients are zeroed at the first, the
/// optimizer steps at the last, and each micro-batch's losses are backpropagated scaled by 1/Count, so K micro-batches
/// of n give the gradient of one batch of K*n for losses that are means over the batch.</summary>
public readonly record struct MicroBatch(int Index, int Count)
{
    /// <summary>No accumulation: one batch per optimizer step.</summary>
    public static MicroBatch Single => new(0, 1);

    public bool IsFirst => Index == 0;

    public bool IsLast => Index == Count - 1;

    /// <summary>Backpropagates <paramref name="loss"/> scaled by 1/<see cref="Count"/> (unscaled without accumulation,
    /// so a run without accum_iter computes exactly what it did before).</summary>
    public void Backward(Tensor loss)
    {
        if (Count == 1) loss.Backward();
        else (loss * (1.0 / Count)).Backward();
    }
}

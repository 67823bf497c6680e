using SrTrain.Torch;

namespace SrTrain.Losses;

/// <summary>Applies an optional per-element weight and a reduction to an elementwise loss, as BasicSR's
/// weight_reduce_loss: with a weight, "mean" divides the weighted sum by the sum of the weights (times
/// the channel count when the weight has one channel), not by the element count.</summary>
public static class WeightedReduction
{
    public static Tensor Apply(Tensor loss, Tensor? weight, Reduction reduction)
    {
        if (weight is null) return Reduce(loss, reduction);
        if (weight.Dim != loss.Dim || (weight.Size(1) != 1 && weight.Size(1) != loss.Size(1)))
            throw new ArgumentException(
                $"loss weight of shape [{string.Join(", ", weight.Shape)}] does not fit a loss of shape [{string.Join(", ", loss.Shape)}]: " +
                "it needs the same rank and 1 or the same number of channels");
        var weighted = loss * weight;
        return reduction switch
        {
            Reduction.None => weighted,
            Reduction.Sum => weighted.Sum(),
            _ => weighted.Sum() / (weight.Size(1) > 1 ? weight.Sum() : weight.Sum() * loss.Size(1)),
        };
    }

    /// <summary>Mean, sum or nothing.</summary>
    public static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.None => loss.Alias(),
        Reduction.Sum => loss.Sum(),
        _ => loss.Mean(),
    };
}

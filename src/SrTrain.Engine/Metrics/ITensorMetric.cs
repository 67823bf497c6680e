using SrTrain.Torch;

namespace SrTrain.Engine.Metrics;

/// <summary>A full-reference metric on batches of (N, C, H, W) images in [0, 1], for fast validation.</summary>
public interface ITensorMetric
{
    /// <summary>One float64 value per image, as an (N) tensor.</summary>
    Tensor Calculate(Tensor img, Tensor img2);

    /// <summary>"higher" or "lower": which way is better (BasicSR's <c>better</c> key).</summary>
    string Better { get; }
}

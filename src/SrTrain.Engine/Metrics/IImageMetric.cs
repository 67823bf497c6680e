namespace SrTrain.Engine.Metrics;

/// <summary>A full-reference metric on one pair of HWC images in [0, 255] (validation, <c>srtrain metrics</c>).</summary>
public interface IImageMetric
{
    /// <summary>The metric of <paramref name="img"/> (e.g. the SR result) against <paramref name="img2"/> (the GT).</summary>
    double Calculate(HwcImage img, HwcImage img2);

    /// <summary>"higher" or "lower": which way is better (BasicSR's <c>better</c> key).</summary>
    string Better { get; }
}

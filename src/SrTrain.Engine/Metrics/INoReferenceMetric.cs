namespace SrTrain.Engine.Metrics;

/// <summary>A no-reference metric on one HWC image in [0, 255] (NIQE): validation, <c>srtrain test</c> and
/// <c>srtrain metrics --niqe</c> score the SR image alone, so no GT is needed.</summary>
public interface INoReferenceMetric
{
    /// <summary>The metric of <paramref name="img"/>; <paramref name="source"/> (a file or image name) is named in errors.</summary>
    double Calculate(HwcImage img, string? source = null);

    /// <summary>"higher" or "lower": which way is better (BasicSR's <c>better</c> key).</summary>
    string Better { get; }
}

using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;

namespace SrTrain.Engine.Degradations;

/// <summary>The top-level keys of BasicSR's Real-ESRGAN option files that drive the batch degradation (resize_prob,
/// noise_range, jpeg_range, ..., the <c>2</c> variants, gt_size, queue_size), checked once: each is required, as
/// BasicSR reads them all, and an error names the missing or bad key.</summary>
public sealed record DegradationOptions
{
    public DegradationOptions(ExperimentOptions o)
    {
        ResizeProb = Probs(o.ResizeProb, "resize_prob");
        ResizeRange = Range(o.ResizeRange, "resize_range");
        GaussianNoiseProb = Prob(o.GaussianNoiseProb, "gaussian_noise_prob");
        NoiseRange = Range(o.NoiseRange, "noise_range");
        PoissonScaleRange = Range(o.PoissonScaleRange, "poisson_scale_range");
        GrayNoiseProb = Prob(o.GrayNoiseProb, "gray_noise_prob");
        JpegRange = Range(o.JpegRange, "jpeg_range", 1, 100);
        SecondBlurProb = Prob(o.SecondBlurProb, "second_blur_prob");
        ResizeProb2 = Probs(o.ResizeProb2, "resize_prob2");
        ResizeRange2 = Range(o.ResizeRange2, "resize_range2");
        GaussianNoiseProb2 = Prob(o.GaussianNoiseProb2, "gaussian_noise_prob2");
        NoiseRange2 = Range(o.NoiseRange2, "noise_range2");
        PoissonScaleRange2 = Range(o.PoissonScaleRange2, "poisson_scale_range2");
        GrayNoiseProb2 = Prob(o.GrayNoiseProb2, "gray_noise_prob2");
        JpegRange2 = Range(o.JpegRange2, "jpeg_range2", 1, 100);
        GtSize = o.GtSize ?? throw Missing("gt_size");
        if (GtSize < o.Scale || GtSize % o.Scale != 0) throw new OptionException($"gt_size: {GtSize} must be a positive multiple of scale {o.Scale}");
        QueueSize = o.QueueSize ?? 180;
        if (QueueSize < 0) throw new OptionException($"queue_size must be >= 0 (0 turns the pool off), got {QueueSize}");
        if (ResizeRange[0] > 1 || ResizeRange[1] < 1 || ResizeRange2[0] > 1 || ResizeRange2[1] < 1)
            throw new OptionException("resize_range / resize_range2 must contain 1: down-scales are drawn from [low, 1], up-scales from [1, high]");
    }

    public double[] ResizeProb { get; }
    public double[] ResizeRange { get; }
    public double GaussianNoiseProb { get; }
    public double[] NoiseRange { get; }
    public double[] PoissonScaleRange { get; }
    public double GrayNoiseProb { get; }
    public double[] JpegRange { get; }
    public double SecondBlurProb { get; }
    public double[] ResizeProb2 { get; }
    public double[] ResizeRange2 { get; }
    public double GaussianNoiseProb2 { get; }
    public double[] NoiseRange2 { get; }
    public double[] PoissonScaleRange2 { get; }
    public double GrayNoiseProb2 { get; }
    public double[] JpegRange2 { get; }

    /// <summary>GT patch size after degradation (LQ patch: gt_size / scale).</summary>
    public int GtSize { get; }

    /// <summary>Training-pair pool size (0: off); BasicSR's files use 180.</summary>
    public int QueueSize { get; }

    private static OptionException Missing(string key) =>
        new($"{key} is required by the Real-ESRGAN models (a top-level key of BasicSR's train_realesrnet_x4plus.yml)");

    private static double Prob(double? p, string key) => p switch
    {
        null => throw Missing(key),
        < 0 or > 1 => throw new OptionException($"{key} must be in [0, 1], got {p}"),
        _ => p.Value,
    };

    private static double[] Probs(double[]? p, string key)
    {
        if (p is null) throw Missing(key);
        if (p.Length != 3 || p.Any(v => v < 0) || p.Sum() <= 0)
            throw new OptionException($"{key} must be three weights [up, down, keep] >= 0 with a positive sum, got [{string.Join(", ", p)}]");
        return p;
    }

    private static double[] Range(double[]? r, string key, double min = 0, double max = double.PositiveInfinity)
    {
        if (r is null) throw Missing(key);
        if (r.Length != 2 || r[0] > r[1] || r[0] < min || r[1] > max)
            throw new OptionException($"{key} must be [low, high] with {min} <= low <= high{(double.IsInfinity(max) ? "" : $" <= {max}")}, got [{string.Join(", ", r)}]");
        return r;
    }
}

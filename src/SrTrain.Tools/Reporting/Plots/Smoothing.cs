namespace SrTrain.Tools.Reporting.Plots;

/// <summary>TensorBoard's scalar smoothing (tensorboard/plugins/scalar, <c>smoothing weight</c>): an exponential
/// moving average <c>last = w * last + (1 - w) * y</c> started at 0 and debiased by <c>1 - w^n</c> after n finite
/// points, as Adam debiases its moments, so the first points are not pulled towards 0. NaN and infinite values pass
/// through unsmoothed (and do not advance the average); a constant series is returned as is.</summary>
public static class Smoothing
{
    /// <summary>TensorBoard's default slider value.</summary>
    public const double DefaultWeight = 0.6;

    public static double[] Ema(IReadOnlyList<double> values, double weight = DefaultWeight)
    {
        if (!(weight >= 0 && weight < 1)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "smoothing weight must be in [0, 1)");
        var smoothed = new double[values.Count];
        bool constant = values.All(v => v.Equals(values[0]));
        double last = 0;
        int accumulated = 0;
        for (int i = 0; i < values.Count; i++)
        {
            double v = values[i];
            if (constant || !double.IsFinite(v))
            {
                smoothed[i] = v;
                continue;
            }
            last = last * weight + (1 - weight) * v;
            accumulated++;
            smoothed[i] = last / (1 - Math.Pow(weight, accumulated));
        }
        return smoothed;
    }
}

using System.Globalization;

namespace SrTrain.Tools.Reporting.Plots;

/// <summary>Tick positions and labels for a value axis: "nice" steps (1, 2, 5 x 10^k), and labels printed with all
/// the digits that tell them apart (a loss that moves in its fourth digit gets 0.0012, 0.00121, 0.00122, ...,
/// not four ticks reading 0.0012).</summary>
public static class AxisTicks
{
    /// <summary>About <paramref name="target"/> ticks at multiples of a nice step inside [min, max].</summary>
    public static IReadOnlyList<(double Value, string Label)> Linear(double min, double max, int target = 5)
    {
        (min, max) = Widen(min, max);
        var values = new List<double>();
        // Rounding the step to a nice number can leave fewer than three ticks; then ask for twice as many.
        for (int ask = Math.Max(target, 1); values.Count < 3 && ask <= 64; ask *= 2)
        {
            double step = NiceStep((max - min) / ask);
            values.Clear();
            for (long k = (long)Math.Ceiling(min / step - 1e-9); k * step <= max + step * 1e-9; k++)
                values.Add(k == 0 ? 0 : k * step);
        }
        return values.Zip(Labels(values)).ToList();
    }

    /// <summary>Ticks for a logarithmic axis over positive [min, max]: decades when three or more fit, else 1-2-5
    /// steps of each decade, else (a range inside one decade) linear ticks. Values, not logarithms.</summary>
    public static IReadOnlyList<(double Value, string Label)> Log(double min, double max)
    {
        if (!(min > 0) || !(max > 0)) throw new ArgumentException($"a log axis needs positive values, got [{min}, {max}]");
        (min, max) = Widen(min, max);
        int first = (int)Math.Floor(Math.Log10(min)), last = (int)Math.Ceiling(Math.Log10(max));
        List<double> Candidates(double[] mantissas) => Enumerable.Range(first, last - first + 1)
            .SelectMany(e => mantissas.Select(m => m * Math.Pow(10, e)))
            .Where(v => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)).ToList();
        var decades = Candidates([1]);
        if (decades.Count > 8) decades = decades.Where((_, i) => i % 2 == 0).ToList();
        if (decades.Count >= 3) return decades.Zip(Labels(decades)).ToList();
        var steps = Candidates([1, 2, 5]);
        if (steps.Count >= 3) return steps.Zip(Labels(steps)).ToList();
        return Linear(min, max, 4).Where(t => t.Value > 0).ToList();
    }

    /// <summary>Each value in its shortest form (to 12 significant digits, so 3 x 0.1 reads 0.3): plain decimals when
    /// every non-zero magnitude is in [0.001, 1e5) (0.5, 0.05, 0.00121), else scientific for all (1e-4, 6.9315e-4).
    /// Nice ticks differ in those digits, so the labels tell every value apart.</summary>
    public static IReadOnlyList<string> Labels(IReadOnlyList<double> values)
    {
        var inv = CultureInfo.InvariantCulture;
        bool plain = values.Where(v => v != 0).All(v => Math.Abs(v) >= 1e-3 && Math.Abs(v) < 1e5);
        var labels = values.Select(v =>
        {
            double rounded = double.Parse(v.ToString("G12", inv), inv);
            return rounded == 0 ? "0" : rounded.ToString(plain ? "0.###############" : "0.###########e0", inv);
        }).ToList();
        // Ticks closer than 12 digits (not produced by Linear or Log) still get labels that differ.
        return labels.Distinct().Count() == labels.Count ? labels : values.Select(v => v.ToString("R", inv)).ToList();
    }

    /// <summary>1, 2 or 5 times a power of ten, the nearest to <paramref name="raw"/>.</summary>
    private static double NiceStep(double raw)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double f = raw / magnitude;
        return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * magnitude;
    }

    /// <summary>A zero-width range (a constant curve) gets room around its value.</summary>
    private static (double, double) Widen(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || max < min) throw new ArgumentException($"no finite range [{min}, {max}]");
        if (max > min) return (min, max);
        double pad = min == 0 ? 1 : Math.Abs(min) * 0.05;
        return (min - pad, max + pad);
    }
}

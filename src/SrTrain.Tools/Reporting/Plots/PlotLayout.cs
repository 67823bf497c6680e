using System.Globalization;
using SrTrain.Core.Reporting.Raster;

namespace SrTrain.Core.Reporting.Plots;

/// <summary>Where everything of a <see cref="LinePlot"/> goes in a <see cref="Width"/> x <see cref="Height"/> picture:
/// the data ranges (padded), "nice" ticks (1, 2, 5 x 10^k; decades on a log axis), and the mapping from data to
/// pixels. Finite points only; NaN and infinite values (a diverged loss) break a curve into pieces.</summary>
public sealed class PlotLayout
{
    public const int MarginLeft = 64, MarginRight = 16, MarginTop = 34, MarginBottom = 40;

    public PlotLayout(LinePlot plot, int width = 640, int height = 400)
    {
        Plot = plot;
        (Width, Height) = (width, height);
        LogY = plot.UsesLogY;
        var points = plot.Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        double xMin = points.Count > 0 ? points.Min(p => p.X) : 0, xMax = points.Count > 0 ? points.Max(p => p.X) : 1;
        double yMin = points.Count > 0 ? points.Min(p => Ty(p.Y)) : 0, yMax = points.Count > 0 ? points.Max(p => Ty(p.Y)) : 1;
        if (xMax <= xMin) (xMin, xMax) = (xMin - 0.5, xMax + 0.5);
        if (yMax <= yMin) (yMin, yMax) = (yMin - 0.5, yMax + 0.5);
        double pad = (yMax - yMin) * 0.05;
        (XMin, XMax, YMin, YMax) = (xMin, xMax, yMin - pad, yMax + pad);
        XTicks = NiceTicks(XMin, XMax, 6);
        YTicks = LogY ? LogTicks(YMin, YMax) : NiceTicks(YMin, YMax, 6);
    }

    public LinePlot Plot { get; }
    public int Width { get; }
    public int Height { get; }
    public bool LogY { get; }

    /// <summary>Axis ranges; the y range is in log10 units on a log axis.</summary>
    public double XMin { get; }
    public double XMax { get; }
    public double YMin { get; }
    public double YMax { get; }

    /// <summary>Tick positions in axis units (log10 units for a log y axis).</summary>
    public IReadOnlyList<double> XTicks { get; }
    public IReadOnlyList<double> YTicks { get; }

    public double Left => MarginLeft;
    public double Right => Width - MarginRight;
    public double Top => MarginTop;
    public double Bottom => Height - MarginBottom;

    /// <summary>Pixel column of x.</summary>
    public double Px(double x) => Left + (x - XMin) / (XMax - XMin) * (Right - Left);

    /// <summary>Pixel row of a data value y (transformed on a log axis).</summary>
    public double Py(double y) => PyAxis(Ty(y));

    /// <summary>Pixel row of a value in axis units.</summary>
    public double PyAxis(double axisY) => Bottom - (axisY - YMin) / (YMax - YMin) * (Bottom - Top);

    public string XTickLabel(double x) => Format(x);

    public string YTickLabel(double axisY) => LogY ? Format(Math.Pow(10, axisY)) : Format(axisY);

    public string YAxisTitle => LogY ? Plot.YLabel + " (log scale)" : Plot.YLabel;

    /// <summary>The drawable pieces of a series in pixels: runs of consecutive finite points.</summary>
    public IEnumerable<IReadOnlyList<(double X, double Y)>> Segments(PlotSeries series)
    {
        var current = new List<(double, double)>();
        foreach (var (x, y) in series.Points)
        {
            if (double.IsFinite(x) && double.IsFinite(y) && (!LogY || y > 0)) current.Add((Px(x), Py(y)));
            else if (current.Count > 0) { yield return current; current = []; }
        }
        if (current.Count > 0) yield return current;
    }

    public static Rgb SeriesColor(int index) => Rgb.Palette[index % Rgb.Palette.Count];

    private double Ty(double y) => LogY ? Math.Log10(y) : y;

    /// <summary>Ticks at multiples of 1, 2 or 5 x 10^k inside [min, max], about <paramref name="target"/> of them.</summary>
    public static IReadOnlyList<double> NiceTicks(double min, double max, int target)
    {
        double raw = (max - min) / Math.Max(target, 1);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(min / step) * step; t <= max + step * 1e-9; t += step)
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return ticks;
    }

    /// <summary>Decades inside the range; a range under two decades also gets 2x and 5x ticks, under one the nice linear ticks.</summary>
    private static IReadOnlyList<double> LogTicks(double min, double max)
    {
        if (max - min < 1)
            return NiceTicks(Math.Pow(10, min), Math.Pow(10, max), 5).Where(v => v > 0).Select(Math.Log10).ToList();
        var ticks = new List<double>();
        var multipliers = max - min < 2 ? new[] { 1.0, 2.0, 5.0 } : [1.0];
        for (int k = (int)Math.Floor(min); k <= (int)Math.Ceiling(max); k++)
            foreach (var m in multipliers)
            {
                double t = Math.Log10(m) + k;
                if (t >= min && t <= max) ticks.Add(t);
            }
        return ticks;
    }

    /// <summary>Short tick text: integers plain, small or large values in exponent form (3e-04 -> "3e-4").</summary>
    public static string Format(double v)
    {
        var inv = CultureInfo.InvariantCulture;
        if (v == 0) return "0";
        double a = Math.Abs(v);
        if (a >= 1e5 || a < 1e-3)
        {
            var s = v.ToString("0.##e+0", inv);
            return s.Replace("e+", "e");
        }
        if (a >= 100) return Math.Round(v).ToString("0", inv);
        return v.ToString("0.####", inv);
    }
}

using System.Text.RegularExpressions;
using ScottPlot;
using ScottPlot.TickGenerators;
using SrTrain.Tools.Reporting.Figures;

namespace SrTrain.Tools.Reporting.Plots;

/// <summary>Draws a <see cref="LinePlot"/> with ScottPlot, as PNG and as SVG from the same plot: per series a faint
/// raw line and the smoothed line over it in the series colour (Okabe and Ito's colour-blind-safe palette), y ticks
/// from <see cref="AxisTicks"/>, dashed stage markers, text in <see cref="FigureFont"/>. NaN and infinite values
/// (a diverged loss) break a line.</summary>
public static partial class LinePlotRenderer
{
    public const int Width = 640, Height = 400;

    /// <summary>Opacity of the raw line under the smoothed one (TensorBoard draws it faint too).</summary>
    public const double RawOpacity = 0.25;

    /// <summary>Series colours (Okabe and Ito 2008).</summary>
    public static readonly IReadOnlyList<string> Palette = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"];

    public static byte[] Png(LinePlot plot, int width = Width, int height = Height) =>
        Build(plot).GetImageBytes(width, height, ImageFormat.Png);

    public static string Svg(LinePlot plot, int width = Width, int height = Height) =>
        // Skia's SVG canvas ends per-glyph position lists with ", " (x="1.5, 7.2, "); a list may not end with a
        // separator, so strict SVG readers would drop the text.
        TrailingSeparator().Replace(Build(plot).GetSvgXml(width, height), " $1=\"$2\"");

    /// <summary>The ScottPlot plot of <paramref name="data"/>, axes and ticks set; exposed for tests.</summary>
    public static Plot Build(LinePlot data)
    {
        var plot = new Plot();
        plot.Font.Set(FigureFont.Typeface.FamilyName);
        plot.Title(data.Title);
        plot.XLabel(data.XLabel);
        plot.YLabel(data.YLabel);
        bool log = data.UsesLogY;
        double Y(double v) => log ? Math.Log10(v) : v;

        for (int i = 0; i < data.Series.Count; i++)
        {
            var series = data.Series[i];
            var color = Color.FromHex(Palette[i % Palette.Count]);
            var xs = series.Points.Select(p => p.X).ToArray();
            var raw = series.Points.Select(p => p.Y).ToArray();
            bool smooth = data.Smoothing > 0;
            AddLine(plot, xs, raw, Y, smooth ? color.WithOpacity(RawOpacity) : color, smooth ? 1 : 1.5f, smooth ? null : series.Name);
            if (smooth) AddLine(plot, xs, Smoothing.Ema(raw, data.Smoothing), Y, color, 2, series.Name);
        }
        var finite = data.Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y) && (!log || p.Y > 0)).ToList();
        if (finite.Count > 0)
        {
            double min = finite.Min(p => p.Y), max = finite.Max(p => p.Y);
            var ticks = log ? AxisTicks.Log(min, max) : AxisTicks.Linear(min, max);
            var manual = new NumericManual();
            foreach (var (value, label) in ticks) manual.AddMajor(Y(value), label);
            plot.Axes.Left.TickGenerator = manual;
            // The limits hold the data and the ticks, with a 5 % margin.
            double lo = Math.Min(Y(min), ticks.Count > 0 ? Y(ticks[0].Value) : Y(min));
            double hi = Math.Max(Y(max), ticks.Count > 0 ? Y(ticks[^1].Value) : Y(max));
            if (hi <= lo) (lo, hi) = (lo - 1, hi + 1);
            double pad = (hi - lo) * 0.05;
            plot.Axes.SetLimitsY(lo - pad, hi + pad);
            var markers = data.Markers ?? [];
            double x0 = Math.Min(finite.Min(p => p.X), markers.Select(m => m.X).DefaultIfEmpty(double.MaxValue).Min());
            double x1 = Math.Max(finite.Max(p => p.X), markers.Select(m => m.X).DefaultIfEmpty(double.MinValue).Max());
            if (x1 <= x0) (x0, x1) = (x0 - 1, x1 + 1);
            plot.Axes.SetLimitsX(x0 - (x1 - x0) * 0.02, x1 + (x1 - x0) * 0.02);
            foreach (var marker in markers)
            {
                plot.Add.VerticalLine(marker.X, 1, Colors.Gray, LinePattern.Dashed);
                // The text goes inside the plot at the top, on the side of the line with more room: a label on the
                // edge would cover the title.
                bool right = marker.X < (x0 + x1) / 2;
                var text = plot.Add.Text(marker.Text, marker.X, hi + pad);
                text.LabelAlignment = right ? Alignment.UpperLeft : Alignment.UpperRight;
                text.LabelOffsetX = right ? 4 : -4;
                text.LabelOffsetY = 4;
                text.LabelFontSize = 11;
                text.LabelFontColor = Colors.Black;
                text.LabelBackgroundColor = Colors.White.WithOpacity(0.8);
            }
        }
        // Iterations are whole numbers; the legend goes under the plot, where it covers no curve.
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Legend.TightHorizontalWrapping = true;
        return plot;
    }

    /// <summary>One ScottPlot line per run of finite points, so a NaN leaves a gap; only the first piece is in the legend.</summary>
    private static void AddLine(Plot plot, double[] xs, double[] ys, Func<double, double> y, Color color, float width, string? legend)
    {
        int start = 0;
        while (start < ys.Length)
        {
            if (!Drawable(ys[start])) { start++; continue; }
            int end = start;
            while (end < ys.Length && Drawable(ys[end])) end++;
            var line = plot.Add.ScatterLine(xs[start..end], ys[start..end].Select(y).ToArray(), color);
            line.LineWidth = width;
            line.MarkerSize = end - start == 1 ? 4 : 0;
            if (legend is not null) { line.LegendText = legend; legend = null; }
            start = end;
        }

        bool Drawable(double v) => double.IsFinite(y(v));
    }

    [GeneratedRegex(" (x|y)=\"([^\"]*?),\\s*\"")]
    private static partial Regex TrailingSeparator();
}

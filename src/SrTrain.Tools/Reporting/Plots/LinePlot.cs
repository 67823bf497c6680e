namespace SrTrain.Tools.Reporting.Plots;

/// <summary>One named curve of a <see cref="LinePlot"/>: the raw logged points, in x order.</summary>
public sealed record PlotSeries(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>A dashed vertical line at <see cref="X"/> with a short text, e.g. where a GAN stage starts from its PSNR stage.</summary>
public sealed record PlotMarker(double X, string Text);

/// <summary>A line chart as data, drawn by <see cref="LinePlotRenderer"/> (PNG and SVG). Each series is drawn twice: its
/// raw points as a faint line and, over it, their TensorBoard-style smoothing (<see cref="Smoothing"/>, the EMA weight;
/// 0 draws the raw line only). A logarithmic y axis suits losses that fall by decades; it needs positive values.</summary>
public sealed record LinePlot(string Title, string XLabel, string YLabel, IReadOnlyList<PlotSeries> Series, bool LogY = false,
                              double Smoothing = 0.6, IReadOnlyList<PlotMarker>? Markers = null)
{
    /// <summary>Log y only when asked and every finite value is positive.</summary>
    public bool UsesLogY => LogY && Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y)).All(p => p.Y > 0);
}

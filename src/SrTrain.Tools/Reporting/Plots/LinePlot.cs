namespace SrTrain.Core.Reporting.Plots;

/// <summary>One named curve of a <see cref="LinePlot"/>.</summary>
public sealed record PlotSeries(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>A line chart as data: what both renderers (<see cref="SvgPlot"/> for HTML, <see cref="RasterPlot"/> for PNG)
/// draw from one <see cref="PlotLayout"/>, so the two pictures agree. A logarithmic y axis suits losses that
/// fall by decades; it needs positive values.</summary>
public sealed record LinePlot(string Title, string XLabel, string YLabel, IReadOnlyList<PlotSeries> Series, bool LogY = false)
{
    /// <summary>Log y only when asked and every value is positive.</summary>
    public bool UsesLogY => LogY && Series.SelectMany(s => s.Points).All(p => p.Y > 0);
}

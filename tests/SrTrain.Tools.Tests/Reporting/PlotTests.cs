using System.Xml.Linq;
using SkiaSharp;
using SrTrain.Tools.Reporting;
using SrTrain.Tools.Reporting.Plots;

namespace SrTrain.Engine.Tests.Reporting;

public class PlotTests
{
    private static RunSummary Run(string name, string label, long iterations, string? initFrom, string key, IEnumerable<double> iters, Func<double, double> loss) =>
        new(name, label, initFrom is null ? "SRModel" : "ESRGANModel", "RRDBNet", 1000, null, iterations, 16, 48, 0.1, 10, initFrom, "L1Loss x1", null,
            new Dictionary<string, IReadOnlyList<(double, double)>> { [key] = iters.Select(i => (i, loss(i))).ToList() });

    private static IEnumerable<double> Every(double step, double last) => Enumerable.Range(1, (int)(last / step)).Select(i => i * step);

    /// <summary>The quickstart's shape: SRResNet alone, ESRGAN-PSNR for 1200 iterations, ESRGAN's GAN stage (50) from it.</summary>
    private static List<RunSummary> Stages() =>
    [
        Run("srresnet", "SRResNet", 800, null, "l_pix", Every(20, 800), i => 0.2 / Math.Sqrt(i)),
        Run("esrgan_psnr", "ESRGAN-PSNR", 1200, null, "l_pix", Every(20, 1200), i => 0.3 / Math.Sqrt(i)),
        Run("esrgan", "ESRGAN", 50, "esrgan_psnr", "l_g_pix", Every(10, 50), i => 0.01 + i * 1e-5),
    ];

    private static string FigureKey(string key) => key == "l_g_pix" ? "l_pix" : key;

    [Fact]
    public void Gan_stage_is_drawn_after_the_last_iteration_of_the_stage_it_starts_from()
    {
        var runs = Stages();
        var plot = LossFigure.Build("l_pix", runs, FigureKey);
        Assert.Equal(["SRResNet", "ESRGAN-PSNR", "ESRGAN"], plot.Series.Select(s => s.Name));
        var psnr = plot.Series[1].Points;
        var gan = plot.Series[2].Points;
        Assert.Equal(1200, psnr[^1].X);
        Assert.Equal(1210, gan[0].X);                                           // its iteration 10 is the 1210th overall
        Assert.True(gan.All(p => p.X > psnr[^1].X));
        Assert.Equal(1250, gan[^1].X);
        Assert.Equal(20, plot.Series[0].Points[0].X);                          // independent runs start at 0
        var marker = Assert.Single(plot.Markers!);
        Assert.Equal(new PlotMarker(1200, "ESRGAN starts from ESRGAN-PSNR"), marker);

        // A stage from a stage: the offsets add up.
        runs.Add(Run("esrgan2", "ESRGAN more", 30, "esrgan", "l_g_pix", Every(10, 30), _ => 0.01));
        Assert.Equal(1250, LossFigure.StageStarts(runs)["esrgan2"]);
    }

    [Fact]
    public void Png_decodes_at_the_plot_size_with_the_smoothed_line_in_the_series_colour()
    {
        var plot = LossFigure.Build("l_pix", Stages(), FigureKey);
        using var bitmap = SKBitmap.Decode(LinePlotRenderer.Png(plot));
        Assert.Equal((LinePlotRenderer.Width, LinePlotRenderer.Height), (bitmap.Width, bitmap.Height));
        int Count(SKColor c) => Enumerable.Range(0, bitmap.Height).Sum(y => Enumerable.Range(0, bitmap.Width)
            .Count(x => bitmap.GetPixel(x, y) is var p && Math.Abs(p.Red - c.Red) + Math.Abs(p.Green - c.Green) + Math.Abs(p.Blue - c.Blue) < 40));
        for (int i = 0; i < 3; i++)
            Assert.True(Count(SKColor.Parse(LinePlotRenderer.Palette[i])) > 30, $"series {i} is drawn in {LinePlotRenderer.Palette[i]}");
    }

    [Fact]
    public void Svg_holds_every_series_marker_and_distinct_tick_label()
    {
        var percep = new LinePlot("l_percep during training", "iteration", "l_percep",
            [new PlotSeries("ESRGAN <GAN> & co", Every(10, 50).Select(i => (i, 0.0012 + 0.00005 * Math.Sin(i))).ToList())], LogY: true,
            Markers: [new PlotMarker(0, "start")]);
        var doc = XDocument.Parse(LinePlotRenderer.Svg(percep));
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        var texts = doc.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
        Assert.Contains("ESRGAN <GAN> & co", texts);
        Assert.Contains("start", texts);
        Assert.Contains("l_percep during training", texts);
        var ticks = AxisTicks.Log(percep.Series[0].Points.Min(p => p.Y), percep.Series[0].Points.Max(p => p.Y));
        Assert.All(ticks, t => Assert.Contains(t.Label, texts));
        Assert.Equal(ticks.Count, ticks.Select(t => t.Label).Distinct().Count());
        // Glyph position lists end without a separator (Skia writes "1.5, 7.2, ").
        Assert.DoesNotContain(doc.Descendants().Attributes(), a => a.Name.LocalName is "x" or "y" && a.Value.TrimEnd().EndsWith(','));
    }
}

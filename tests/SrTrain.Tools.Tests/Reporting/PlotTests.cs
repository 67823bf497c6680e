using System.Xml.Linq;
using SrTrain.Core.Reporting.Plots;
using SrTrain.Core.Reporting.Raster;

namespace SrTrain.Engine.Tests.Reporting;

public class PlotTests
{
    private static LinePlot Falling(bool logY = true) => new("l_pix during training", "iteration", "l_pix",
    [
        new PlotSeries("SRResNet", Enumerable.Range(1, 50).Select(i => (i * 10.0, 0.2 / i)).ToList()),
        new PlotSeries("EDSR <b>&", Enumerable.Range(1, 50).Select(i => (i * 10.0, 0.1 / Math.Sqrt(i))).ToList()),
    ], logY);

    [Fact]
    public void NiceTicksAreRoundNumbersCoveringTheRange()
    {
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1.0], PlotLayout.NiceTicks(0, 1, 5).Select(t => Math.Round(t, 9)));
        Assert.Equal([100, 200, 300, 400, 500], PlotLayout.NiceTicks(10, 500, 6));
        var layout = new PlotLayout(Falling());
        Assert.True(layout.LogY);
        // Decades (or 1-2-5 within a short range) on the log axis, all inside the range.
        Assert.All(layout.YTicks, t => Assert.InRange(t, layout.YMin, layout.YMax));
        Assert.Contains(layout.YTicks, t => Math.Abs(t - Math.Log10(0.01)) < 1e-9);
        Assert.Equal("1e-4", PlotLayout.Format(1e-4));
        Assert.Equal("0.05", PlotLayout.Format(0.05));
        Assert.Equal("4000", PlotLayout.Format(4000));
    }

    [Fact]
    public void DataMapsInsideThePlotAreaAndNaNBreaksACurve()
    {
        var layout = new PlotLayout(Falling());
        Assert.Equal(layout.Left, layout.Px(10), 6);
        Assert.Equal(layout.Right, layout.Px(500), 6);
        Assert.True(layout.Py(0.2) < layout.Py(0.004), "larger values are drawn higher");
        var broken = new PlotSeries("x", [(1, 1), (2, double.NaN), (3, 2), (4, 3)]);
        var segments = new PlotLayout(new LinePlot("t", "x", "y", [broken])).Segments(broken).ToList();
        Assert.Equal([1, 2], segments.Select(s => s.Count));
    }

    [Fact]
    public void SvgIsWellFormedWithOneCurvePerSeriesAndEscapedNames()
    {
        var svg = SvgPlot.Render(Falling());
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", doc.Root!.Name);
        Assert.Equal(2, doc.Descendants(ns + "polyline").Count());
        Assert.Contains(doc.Descendants(ns + "text"), t => t.Value == "EDSR <b>&");
        Assert.Contains(doc.Descendants(ns + "text"), t => t.Value == "l_pix during training");
        // Every polyline point lies inside the picture.
        foreach (var line in doc.Descendants(ns + "polyline"))
            foreach (var pair in line.Attribute("points")!.Value.Split(' '))
            {
                var xy = pair.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                Assert.InRange(xy[0], PlotLayout.MarginLeft, 640 - PlotLayout.MarginRight);
                Assert.InRange(xy[1], PlotLayout.MarginTop, 400 - PlotLayout.MarginBottom);
            }
    }

    [Fact]
    public void RasterPlotDrawsTheFallingCurveFromTopLeftToBottomRight()
    {
        var plot = new LinePlot("falling", "iteration", "loss", [Falling().Series[0]]);
        var canvas = RasterPlot.Render(plot);
        var layout = new PlotLayout(plot);
        var blue = PlotLayout.SeriesColor(0);
        int RowOfCurve(int x) => Enumerable.Range((int)layout.Top, (int)(layout.Bottom - layout.Top))
            .Where(y => Close(canvas[x, y], blue)).DefaultIfEmpty(-1).First();
        int left = RowOfCurve((int)layout.Left + 3), right = RowOfCurve((int)layout.Right - 3);
        Assert.True(left > 0 && right > 0, "the curve is drawn at both ends");
        Assert.True(left < right, $"a falling loss starts high (row {left}) and ends low (row {right})");
        // Text is drawn: the title's first glyph leaves ink in the title band.
        int ink = 0;
        for (int y = 8; y < 8 + 14; y++)
            for (int x = PlotLayout.MarginLeft; x < PlotLayout.MarginLeft + 12; x++)
                if (canvas[x, y].R < 0.5f) ink++;
        Assert.True(ink > 10, $"title ink pixels: {ink}");
    }

    [Fact]
    public void CanvasTensorIsChwWithTheCanvasPixels()
    {
        var canvas = new RgbCanvas(5, 3, Rgb.White);
        canvas.FillRect(1, 2, 1, 1, new Rgb(1, 0, 0.5f));
        using var scope = LibTorch.NewDisposeScope();
        var t = canvas.ToTensor().ToArray<float>();
        Assert.Equal(3 * 3 * 5, t.Length);
        Assert.Equal(1f, t[0 * 15 + 2 * 5 + 1]);     // channel 0, row 2, column 1
        Assert.Equal(0f, t[1 * 15 + 2 * 5 + 1]);
        Assert.Equal(0.5f, t[2 * 15 + 2 * 5 + 1]);
        Assert.Equal(1f, t[1 * 15]);
        Assert.Equal([3L, 3, 5], canvas.ToTensor().Shape);
    }

    [Fact]
    public void EveryPrintableCharacterHasAGlyphOrAVisibleBox()
    {
        foreach (var c in "0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz .,:;-_+=()[]/%'\"<>!?|*#&@~^$")
        {
            bool any = Enumerable.Range(0, BitmapFont.GlyphHeight).Any(r => Enumerable.Range(0, BitmapFont.GlyphWidth).Any(col => BitmapFont.Ink(c, r, col)));
            Assert.True(any == (c != ' '), $"glyph '{c}'");
        }
        Assert.Equal(BitmapFont.Advance * 3 - 1, BitmapFont.Measure("abc"));
    }

    private static bool Close(Rgb a, Rgb b) => Math.Abs(a.R - b.R) < 0.15 && Math.Abs(a.G - b.G) < 0.15 && Math.Abs(a.B - b.B) < 0.15;
}

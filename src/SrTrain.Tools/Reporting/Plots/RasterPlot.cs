using SrTrain.Core.Reporting.Raster;

namespace SrTrain.Core.Reporting.Plots;

/// <summary>Renders a <see cref="LinePlot"/> into an <see cref="RgbCanvas"/> (for the PNG files of the Markdown
/// report): grid, frame, ticks, labels in the 5x7 bitmap font, anti-aliased curves, legend.</summary>
public static class RasterPlot
{
    public static RgbCanvas Render(LinePlot plot, int width = 640, int height = 400)
    {
        var layout = new PlotLayout(plot, width, height);
        var canvas = new RgbCanvas(width, height, Rgb.White);
        int left = (int)layout.Left, right = (int)layout.Right, top = (int)layout.Top, bottom = (int)layout.Bottom;

        canvas.DrawText(left, 8, plot.Title, Rgb.Black, 2);
        foreach (var t in layout.XTicks)
        {
            int x = (int)Math.Round(layout.Px(t));
            canvas.FillRect(x, top, 1, bottom - top, Rgb.Grid);
            canvas.FillRect(x, bottom, 1, 4, Rgb.Axis);
            var label = layout.XTickLabel(t);
            canvas.DrawText(x - BitmapFont.Measure(label) / 2, bottom + 7, label, Rgb.Axis);
        }
        foreach (var t in layout.YTicks)
        {
            int y = (int)Math.Round(layout.PyAxis(t));
            canvas.FillRect(left, y, right - left, 1, Rgb.Grid);
            canvas.FillRect(left - 4, y, 4, 1, Rgb.Axis);
            var label = layout.YTickLabel(t);
            canvas.DrawText(left - 7 - BitmapFont.Measure(label), y - BitmapFont.GlyphHeight / 2, label, Rgb.Axis);
        }
        canvas.FillRect(left, top, right - left + 1, 1, Rgb.Axis);
        canvas.FillRect(left, bottom, right - left + 1, 1, Rgb.Axis);
        canvas.FillRect(left, top, 1, bottom - top + 1, Rgb.Axis);
        canvas.FillRect(right, top, 1, bottom - top + 1, Rgb.Axis);
        canvas.DrawText((left + right - BitmapFont.Measure(plot.XLabel)) / 2, height - 14, plot.XLabel, Rgb.Black);
        canvas.DrawText(left, top - 11, layout.YAxisTitle, Rgb.Black);

        for (int i = 0; i < plot.Series.Count; i++)
        {
            var color = PlotLayout.SeriesColor(i);
            foreach (var segment in layout.Segments(plot.Series[i]))
            {
                if (segment.Count == 1) canvas.DrawLine(segment[0].X, segment[0].Y, segment[0].X, segment[0].Y, color, 4);
                for (int k = 1; k < segment.Count; k++)
                    canvas.DrawLine(segment[k - 1].X, segment[k - 1].Y, segment[k].X, segment[k].Y, color);
            }
        }
        int legendWidth = plot.Series.Select(s => BitmapFont.Measure(s.Name)).DefaultIfEmpty(0).Max() + 30;
        int lx = right - 10 - legendWidth;
        if (plot.Series.Count > 0)
            canvas.FillRect(lx - 4, top + 4, legendWidth + 8, plot.Series.Count * 14 + 6, Rgb.White);
        for (int i = 0; i < plot.Series.Count; i++)
        {
            int ly = top + 10 + i * 14;
            canvas.DrawLine(lx, ly + 3, lx + 18, ly + 3, PlotLayout.SeriesColor(i), 2.5);
            canvas.DrawText(lx + 24, ly, plot.Series[i].Name, Rgb.Black);
        }
        return canvas;
    }
}

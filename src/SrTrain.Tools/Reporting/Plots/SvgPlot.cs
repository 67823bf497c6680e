using System.Globalization;
using System.Security;
using System.Text;

namespace SrTrain.Core.Reporting.Plots;

/// <summary>Renders a <see cref="LinePlot"/> as a standalone SVG document (vector, for the HTML report).</summary>
public static class SvgPlot
{
    public static string Render(LinePlot plot, int width = 640, int height = 400)
    {
        var layout = new PlotLayout(plot, width, height);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        string F(double v) => v.ToString("0.##", inv);
        string Esc(string s) => SecurityElement.Escape(s);

        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" ");
        sb.Append("font-family=\"sans-serif\" font-size=\"11\">\n");
        sb.Append(inv, $"<title>{Esc(plot.Title)}</title>\n");
        sb.Append(inv, $"<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n");
        sb.Append(inv, $"<text x=\"{F(layout.Left)}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{Esc(plot.Title)}</text>\n");

        foreach (var t in layout.XTicks)
        {
            double x = layout.Px(t);
            sb.Append(inv, $"<line x1=\"{F(x)}\" y1=\"{F(layout.Top)}\" x2=\"{F(x)}\" y2=\"{F(layout.Bottom)}\" stroke=\"{Raster.Rgb.Grid.Hex}\"/>\n");
            sb.Append(inv, $"<text x=\"{F(x)}\" y=\"{F(layout.Bottom + 15)}\" text-anchor=\"middle\">{Esc(layout.XTickLabel(t))}</text>\n");
        }
        foreach (var t in layout.YTicks)
        {
            double y = layout.PyAxis(t);
            sb.Append(inv, $"<line x1=\"{F(layout.Left)}\" y1=\"{F(y)}\" x2=\"{F(layout.Right)}\" y2=\"{F(y)}\" stroke=\"{Raster.Rgb.Grid.Hex}\"/>\n");
            sb.Append(inv, $"<text x=\"{F(layout.Left - 5)}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{Esc(layout.YTickLabel(t))}</text>\n");
        }
        sb.Append(inv, $"<rect x=\"{F(layout.Left)}\" y=\"{F(layout.Top)}\" width=\"{F(layout.Right - layout.Left)}\" height=\"{F(layout.Bottom - layout.Top)}\" ");
        sb.Append(inv, $"fill=\"none\" stroke=\"{Raster.Rgb.Axis.Hex}\"/>\n");
        sb.Append(inv, $"<text x=\"{F((layout.Left + layout.Right) / 2)}\" y=\"{height - 8}\" text-anchor=\"middle\">{Esc(plot.XLabel)}</text>\n");
        sb.Append(inv, $"<text x=\"{F(layout.Left)}\" y=\"{F(layout.Top - 4)}\">{Esc(layout.YAxisTitle)}</text>\n");

        for (int i = 0; i < plot.Series.Count; i++)
        {
            var color = PlotLayout.SeriesColor(i).Hex;
            foreach (var segment in layout.Segments(plot.Series[i]))
            {
                if (segment.Count == 1)
                {
                    sb.Append(inv, $"<circle cx=\"{F(segment[0].X)}\" cy=\"{F(segment[0].Y)}\" r=\"2\" fill=\"{color}\"/>\n");
                    continue;
                }
                sb.Append(inv, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"");
                sb.AppendJoin(' ', segment.Select(p => F(p.X) + "," + F(p.Y)));
                sb.Append("\"/>\n");
            }
        }
        // Legend: top right, inside the plot area.
        double lx = layout.Right - 12 - plot.Series.Select(s => s.Name.Length).DefaultIfEmpty(0).Max() * 6.5 - 24;
        for (int i = 0; i < plot.Series.Count; i++)
        {
            double ly = layout.Top + 14 + i * 15;
            var color = PlotLayout.SeriesColor(i).Hex;
            sb.Append(inv, $"<line x1=\"{F(lx)}\" y1=\"{F(ly - 4)}\" x2=\"{F(lx + 18)}\" y2=\"{F(ly - 4)}\" stroke=\"{color}\" stroke-width=\"2.5\"/>\n");
            sb.Append(inv, $"<text x=\"{F(lx + 24)}\" y=\"{F(ly)}\">{Esc(plot.Series[i].Name)}</text>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }
}

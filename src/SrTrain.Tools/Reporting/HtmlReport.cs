using System.Globalization;
using System.Net;
using System.Text;

namespace SrTrain.Tools.Reporting;

/// <summary>Renders an <see cref="AblationReport"/> as one HTML page: tables, the loss plots and crops as PNG (each plot
/// links to its SVG).</summary>
public static class HtmlReport
{
    public static string Render(AblationReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append(inv, $"<title>Ablation {E(r.Name)}</title>\n");
        sb.Append("<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}" +
                  "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px}td.n{text-align:right}" +
                  "th{background:#f3f3f3}figure{margin:1em 0}img{max-width:100%}img.crop{image-rendering:pixelated}</style>\n</head>\n<body>\n");
        sb.Append(inv, $"<h1>Ablation {E(r.Name)}: x{r.Scale} super-resolution</h1>\n");
        sb.Append(inv, $"<p>From <code>{E(Path.GetFileName(r.Source))}</code>, {r.Created:yyyy-MM-dd HH:mm}, device {E(r.Device)}.</p>\n<ul>\n");
        foreach (var note in r.Notes) sb.Append(inv, $"<li>{E(note)}</li>\n");
        sb.Append("</ul>\n");

        foreach (var set in r.Sets)
        {
            sb.Append(inv, $"<h2>Validation set {E(set)} ({r.Score(set, AblationReport.Bicubic)?.Images ?? 0} images)</h2>\n<table>\n");
            sb.Append("<tr><th>model</th><th>params</th><th>PSNR RGB (dB)</th><th>SSIM RGB</th><th>PSNR Y (dB)</th><th>SSIM Y</th><th>PSNR vs bicubic</th></tr>\n");
            foreach (var row in MarkdownReport.Rows(r, set))
                sb.Append(inv, $"<tr><td>{E(row.Label)}</td><td class=\"n\">{row.Params}</td><td class=\"n\">{row.Score.PsnrRgb:F2}</td>" +
                               $"<td class=\"n\">{row.Score.SsimRgb:F4}</td><td class=\"n\">{row.Score.PsnrY:F2}</td><td class=\"n\">{row.Score.SsimY:F4}</td>" +
                               $"<td class=\"n\">{E(row.Delta)}</td></tr>\n");
            sb.Append("</table>\n");
        }

        sb.Append("<h2>Runs</h2>\n<table>\n<tr><th>model</th><th>type</th><th>arch</th><th>params G</th><th>params D</th><th>iterations</th>" +
                  "<th>batch x crop</th><th>starts from</th><th>s/iter</th><th>train time</th><th>losses</th></tr>\n");
        foreach (var run in r.Runs)
            sb.Append(inv, $"<tr><td>{E(run.Label)}</td><td>{E(run.ModelType)}</td><td>{E(run.Arch)}</td><td class=\"n\">{run.GeneratorParameters:N0}</td>" +
                           $"<td class=\"n\">{(run.DiscriminatorParameters is { } d ? d.ToString("N0", inv) : "-")}</td><td class=\"n\">{run.Iterations:N0}</td>" +
                           $"<td>{run.BatchSize} x {run.GtSize}&sup2;</td><td>{E(run.InitFrom ?? "-")}</td><td class=\"n\">{run.SecondsPerIter:F3}</td>" +
                           $"<td class=\"n\">{MarkdownReport.Duration(run.TrainSeconds)}</td><td>{E(run.Losses)}</td></tr>\n");
        sb.Append("</table>\n");

        if (r.Plots.Count > 0)
        {
            sb.Append("<h2>Loss curves</h2>\n<p>").Append(E(MarkdownReport.LossCurvesNote(r))).Append("</p>\n");
            foreach (var p in r.Plots)
                sb.Append(inv, $"<figure><img src=\"{E(p.PngFile)}\" alt=\"{E(p.Plot.Title)}\" width=\"640\"><figcaption>{E(p.Plot.Title)} " +
                               $"(<a href=\"{E(p.SvgFile)}\">SVG</a>)</figcaption></figure>\n");
        }
        if (r.Crops.Count > 0)
        {
            sb.Append("<h2>Crops</h2>\n");
            foreach (var c in r.Crops)
                sb.Append(inv, $"<figure><img class=\"crop\" src=\"{E(c.PngFile)}\" alt=\"{E(c.Image)}\"><figcaption>{E(c.Set)}/{E(c.Image)}, {c.Size}x{c.Size} HR pixels at " +
                               $"(top {c.Top}, left {c.Left}): {E(string.Join(" | ", c.Panels))}</figcaption></figure>\n");
        }
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }
}

using System.Text.RegularExpressions;
using System.Xml.Linq;
using SrTrain.Tools.Reporting;
using SrTrain.Tools.Reporting.Plots;

namespace SrTrain.Tools.Tests.Reporting;

public class ReportRenderingTests
{
    private static AblationReport Sample()
    {
        string[] models = ["SRResNet", "EDSR", "ESRGAN"];
        string[] sets = ["Set5", "Set14"];
        var scores = new List<ScoreRow>();
        foreach (var set in sets)
        {
            scores.Add(new ScoreRow(set, AblationReport.Bicubic, 28.0, 0.80, 29.5, 0.82, 5));
            for (int i = 0; i < models.Length; i++) scores.Add(new ScoreRow(set, models[i], 29.0 + i * 0.1, 0.85, 30.5, 0.86, 5));
        }
        var curve = new Dictionary<string, IReadOnlyList<(double, double)>> { ["l_pix"] = [(10, 0.1), (20, 0.05)] };
        var runs = models.Select((m, i) => new RunSummary(m.ToLowerInvariant(), m, i == 2 ? "ESRGANModel" : "SRModel", "Arch" + i, 1000 + i, i == 2 ? 500 : null,
                                                          100, 16, 128, 0.25, 25, i == 2 ? "esrgan_psnr" : null, "L1Loss x1", null, curve)).ToList();
        var plot = new LinePlot("l_pix during training", "iteration", "l_pix", [new PlotSeries("SRResNet", [(10, 0.1), (20, 0.05)])], true);
        return new AblationReport("demo", 4, new AblationBudget(100, 16, 128), "cpu", "/x/demo.yml", new DateTime(2026, 1, 2),
                                  ["Budget: tiny <really>."], runs, sets, scores, [new PlotFigure("l_pix", plot, "plots/loss_l_pix.png", "plots/loss_l_pix.svg")],
                                  [new CropFigure("Set5", "baby", 10, 20, 48, "crops/Set5_baby.png", ["bicubic x4", "SRResNet", "EDSR", "ESRGAN", "GT"])]);
    }

    [Fact]
    public void MarkdownHasEveryModelTimesSetCellWithBicubicAndDelta()
    {
        var r = Sample();
        var md = MarkdownReport.Render(r);
        foreach (var set in r.Sets)
        {
            var section = md[md.IndexOf($"## Validation set {set}", StringComparison.Ordinal)..];
            section = section[..section.IndexOf("\n\n", section.IndexOf('|'), StringComparison.Ordinal)];
            Assert.Matches(@"\| bicubic \| - \| 28\.00 \| 0\.8000 \| 29\.50 \| 0\.8200 \| - \|", section);
            Assert.Matches(@"\| SRResNet \| 1,000 \| 29\.00 \| 0\.8500 \| 30\.50 \| 0\.8600 \| \+1\.00 dB \|", section);
            Assert.Matches(@"\| ESRGAN \| 1,002 \| 29\.20 .* \| \+1\.20 dB \|", section);
            Assert.Equal(2 + 1 + 3, section.Split('\n').Count(l => l.StartsWith('|')));
        }
        Assert.Contains("- Budget: tiny <really>.", md);
        Assert.Contains("![l_pix during training](plots/loss_l_pix.png)", md);
        Assert.Contains("EMA with debiasing, weight 0.6); faint lines: the raw values.", md);
        Assert.Contains("![baby](crops/Set5_baby.png)", md);
        Assert.Matches(@"\| ESRGAN \| ESRGANModel \| Arch2 \| 1,002 \| 500 \| 100 \| 16 x 128² \| esrgan_psnr \| 0\.250 \| 25 s \|", md);
    }

    [Fact]
    public void HtmlEscapesTextAndShowsEachPlotAsPngLinkingItsSvg()
    {
        var r = Sample();
        var html = HtmlReport.Render(r);
        Assert.Contains("Budget: tiny &lt;really&gt;.", html);
        Assert.Contains("<img src=\"plots/loss_l_pix.png\" alt=\"l_pix during training\"", html);
        Assert.Contains("<a href=\"plots/loss_l_pix.svg\">SVG</a>", html);
        Assert.Equal(2, Regex.Matches(html, "<td>ESRGAN</td>").Count - 1);   // two score tables + the runs table
        Assert.Contains("<img class=\"crop\" src=\"crops/Set5_baby.png\"", html);
    }
}

using System.Globalization;
using System.Text;

namespace SrTrain.Tools.Reporting;

/// <summary>Renders an <see cref="AblationReport"/> as GitHub-flavoured Markdown (tables, PNG plots and crops).</summary>
public static class MarkdownReport
{
    public static string Render(AblationReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"# Ablation {r.Name}: x{r.Scale} super-resolution\n\n");
        sb.Append(inv, $"From `{Path.GetFileName(r.Source)}`, {r.Created:yyyy-MM-dd HH:mm}, device {r.Device}.\n\n");
        foreach (var note in r.Notes) sb.Append("- ").Append(note).Append('\n');
        sb.Append('\n');

        foreach (var set in r.Sets)
        {
            var bic = r.Score(set, AblationReport.Bicubic);
            sb.Append(inv, $"## Validation set {set} ({bic?.Images ?? 0} images)\n\n");
            sb.Append("| model | params | PSNR RGB (dB) | SSIM RGB | PSNR Y (dB) | SSIM Y | PSNR vs bicubic |\n");
            sb.Append("|---|---:|---:|---:|---:|---:|---:|\n");
            foreach (var row in Rows(r, set))
                sb.Append(inv, $"| {row.Label} | {row.Params} | {row.Score.PsnrRgb:F2} | {row.Score.SsimRgb:F4} | {row.Score.PsnrY:F2} | {row.Score.SsimY:F4} | {row.Delta} |\n");
            sb.Append('\n');
        }

        sb.Append("## Runs\n\n");
        sb.Append("| model | type | arch | params G | params D | iterations | batch x crop | starts from | s/iter | train time | losses |\n");
        sb.Append("|---|---|---|---:|---:|---:|---|---|---:|---:|---|\n");
        foreach (var run in r.Runs)
            sb.Append(inv, $"| {run.Label} | {run.ModelType} | {run.Arch} | {run.GeneratorParameters:N0} | {(run.DiscriminatorParameters is { } d ? d.ToString("N0", inv) : "-")} | " +
                           $"{run.Iterations:N0} | {run.BatchSize} x {run.GtSize}² | {run.InitFrom ?? "-"} | {run.SecondsPerIter:F3} | {Duration(run.TrainSeconds)} | {run.Losses} |\n");
        sb.Append("\n`s/iter`: wall time per training iteration (data, forward, backward, step, logging).\n\n");

        if (r.Plots.Count > 0)
        {
            sb.Append("## Loss curves\n\n").Append(LossCurvesNote(r)).Append("\n\n");
            foreach (var p in r.Plots) sb.Append(inv, $"![{p.Plot.Title}]({p.PngFile})\n\n");
        }
        if (r.Crops.Count > 0)
        {
            sb.Append("## Crops\n\n");
            foreach (var c in r.Crops)
                sb.Append(inv, $"{c.Set}/{c.Image}, {c.Size}x{c.Size} HR pixels at (top {c.Top}, left {c.Left}): {string.Join(" | ", c.Panels)}\n\n![{c.Image}]({c.PngFile})\n\n");
        }
        return sb.ToString();
    }

    /// <summary>Bicubic first, then the runs in order, with their parameter counts and PSNR difference to bicubic.</summary>
    internal static IEnumerable<(string Label, string Params, ScoreRow Score, string Delta)> Rows(AblationReport r, string set)
    {
        var inv = CultureInfo.InvariantCulture;
        var bic = r.Score(set, AblationReport.Bicubic);
        if (bic is not null) yield return ($"bicubic", "-", bic, "-");
        foreach (var run in r.Runs)
        {
            var s = r.Score(set, run.Label);
            if (s is null) continue;
            var delta = bic is null ? "-" : (s.PsnrRgb - bic.PsnrRgb).ToString("+0.00;-0.00;0.00", inv) + " dB";
            yield return (run.Label, run.GeneratorParameters.ToString("N0", inv), s, delta);
        }
    }

    /// <summary>How to read the loss figures: what the faint and the solid lines are, where a stage that starts from another run sits.</summary>
    internal static string LossCurvesNote(AblationReport r)
    {
        double weight = r.Plots.Count > 0 ? r.Plots[0].Plot.Smoothing : 0;
        var lines = weight > 0
            ? string.Create(CultureInfo.InvariantCulture, $"Solid lines: the logged losses smoothed as TensorBoard does (EMA with debiasing, weight {weight:0.###}); faint lines: the raw values.")
            : "Lines: the logged losses, unsmoothed.";
        return lines + " A run that starts from another run's weights is drawn after that run's last iteration (dashed line).";
    }

    internal static string Duration(double seconds) =>
        seconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{seconds:F0} s")
                     : string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 60)} min {seconds % 60:00} s");
}

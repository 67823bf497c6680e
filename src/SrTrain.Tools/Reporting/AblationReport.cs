using SrTrain.Tools.Reporting.Plots;

namespace SrTrain.Tools.Reporting;

/// <summary>Scores of one model (or the bicubic baseline) on one validation set: means over the set's images of
/// PSNR and SSIM on RGB and on the Y channel (BasicSR's calculate_psnr / calculate_ssim, border = scale).</summary>
public sealed record ScoreRow(string Set, string Model, double PsnrRgb, double SsimRgb, double PsnrY, double SsimY, int Images);

/// <summary>What one run did: size, budget, speed, losses and their curves.</summary>
public sealed record RunSummary(
    string Name, string Label, string ModelType, string Arch, long GeneratorParameters, long? DiscriminatorParameters,
    long Iterations, int BatchSize, int GtSize, double SecondsPerIter, double TrainSeconds, string? InitFrom, string Losses, string? Note,
    IReadOnlyDictionary<string, IReadOnlyList<(double Iter, double Value)>> Curves);

/// <summary>Side-by-side crops of one validation image: bicubic, each model, GT (<see cref="Panels"/> in order).</summary>
public sealed record CropFigure(string Set, string Image, int Top, int Left, int Size, string PngFile, IReadOnlyList<string> Panels);

/// <summary>A plot of the report: the data, its PNG (Markdown) and its SVG (HTML), paths relative to the report.</summary>
public sealed record PlotFigure(string Key, LinePlot Plot, string PngFile, string SvgFile);

/// <summary>Everything an ablation report shows; <see cref="MarkdownReport"/> and <see cref="HtmlReport"/> render it.</summary>
public sealed record AblationReport(
    string Name, int Scale, AblationBudget Budget, string Device, string Source, DateTime Created,
    IReadOnlyList<string> Notes, IReadOnlyList<RunSummary> Runs, IReadOnlyList<string> Sets, IReadOnlyList<ScoreRow> Scores,
    IReadOnlyList<PlotFigure> Plots, IReadOnlyList<CropFigure> Crops)
{
    /// <summary>The name of the bicubic baseline in <see cref="Scores"/>.</summary>
    public const string Bicubic = "bicubic";

    public ScoreRow? Score(string set, string model) => Scores.FirstOrDefault(s => s.Set == set && s.Model == model);
}

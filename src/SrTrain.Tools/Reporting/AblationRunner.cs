using System.Diagnostics;
using System.Globalization;
using SrTrain.Abstractions.Contracts;
using SrTrain.Engine.Metrics;
using SrTrain.Abstractions.Registry;
using SrTrain.Tools.Reporting.Plots;
using SrTrain.Engine.Training;
using SrTrain.Torch;

namespace SrTrain.Tools.Reporting;

/// <summary>Runs an <see cref="AblationPlan"/>: scores bicubic on the val sets, trains each run in order through the
/// <see cref="Trainer"/> (a run with init_from starts from the earlier run's final generator), scores each trained
/// generator, then writes <c>results/&lt;name&gt;/report.md</c>, <c>report.html</c>, <c>scores.csv</c>, the loss plots
/// (PNG and SVG) and the side-by-side crops. <paramref name="bicubic"/> upsamples an LQ batch by the scale
/// (the CLI passes MATLAB bicubic, as the LR was made).</summary>
public sealed class AblationRunner(AblationPlan plan, IDataPipeline data, IImageWriter writer, Func<Tensor, int, Tensor> bicubic,
                                   Action<string>? say = null)
{
    public AblationReport Run(CancellationToken cancel = default)
    {
        var o = plan.Options;
        var reportOptions = o.Report ?? new AblationReportOptions();
        int scale = o.Scale;
        var first = plan.Steps[0].Options;
        if (first.NumThreads is { } threads) LibTorch.NumThreads = threads;
        var device = DeviceSelection.Resolve(first, w => say?.Invoke("warning: " + w));
        var sets = plan.ValPhases.Select(p => data.CreateImageSet(p, (Dictionary<string, object?>)o.Datasets[p]!, scale, device)).ToList();

        // Crop windows are chosen on the GT during the bicubic pass, before anything trains, so a wrong image name fails early.
        var windows = new Dictionary<(string Set, string Image), CropWindow>();
        var panels = new Dictionary<(string Set, string Image), List<(string, float[])>>();
        var gtCrops = new Dictionary<(string Set, string Image), float[]>();
        int automatic = 0;
        CropWindow? Choose(string set, string image, HwcImage gt)
        {
            bool wanted = reportOptions.CropImages is { } names ? names.Any(n => SameImage(n, image, scale))
                : set == sets[0].Name && automatic++ < reportOptions.MaxCrops;
            if (!wanted) return null;
            var w = SetScorer.MostDetailed(gt, reportOptions.CropSize, scale);
            windows[(set, image)] = w;
            return w;
        }

        var scores = new List<ScoreRow>();
        foreach (var set in sets)
        {
            say?.Invoke($"scoring bicubic on {set.Name} ({set.Count} images)");
            var crops = new Dictionary<string, float[]>();
            var gts = new Dictionary<string, float[]>();
            scores.Add(SetScorer.Score(AblationReport.Bicubic, set, scale, lq => bicubic(lq, scale), (n, gt) => Choose(set.Name, n, gt), crops, gts));
            foreach (var (image, pixels) in crops)
            {
                panels[(set.Name, image)] = [($"bicubic x{scale}", pixels)];
                gtCrops[(set.Name, image)] = gts[image];
            }
        }
        if (reportOptions.CropImages is { } requested)
            foreach (var name in requested.Where(n => !windows.Keys.Any(k => SameImage(n, k.Image, scale))))
                throw new OptionException($"{plan.Source}: report.crop_images: '{name}' is not an image of the val sets " +
                                          $"({string.Join(", ", sets.Select(s => s.Name))}){NameMatching.Suggestion(name, ImageNames(sets))}");

        var runs = new List<RunSummary>();
        foreach (var step in plan.Steps)
        {
            cancel.ThrowIfCancellationRequested();
            say?.Invoke($"[{step.Index + 1}/{plan.Steps.Count}] {step.Label}: {step.Options.ModelType} {step.Options.NetworkG!["type"]}, " +
                        $"{step.GeneratorParameters:N0} parameters, {step.TotalIter} iterations" +
                        (step.Run.InitFrom is { } f ? $", starting from {f}" : ""));
            var watch = Stopwatch.StartNew();
            var result = new Trainer(step.Options, data, null).Run(cancel);
            watch.Stop();
            var curves = ScalarCurves.ReadLosses(Path.Combine(result.ExperimentRoot, Engine.Logging.CsvScalarLog.DefaultFileName));
            var weights = Path.Combine(result.ExperimentRoot, "models", $"net_g_{result.LastIter.ToString(CultureInfo.InvariantCulture)}.pth");
            var testOptions = step.Options with
            {
                IsTrain = false,
                Path = step.Options.Path with { PretrainNetworkG = weights, ParamKeyG = step.ParamKey, StrictLoadG = true },
            };
            using (var model = Trainer.CreateModel(testOptions, device))
                foreach (var set in sets)
                {
                    say?.Invoke($"scoring {step.Label} on {set.Name}");
                    var crops = new Dictionary<string, float[]>();
                    scores.Add(SetScorer.Score(step.Label, set, scale, lq => model.Test(lq, false, reportOptions.Tile, reportOptions.TilePad),
                                               (n, _) => windows.TryGetValue((set.Name, n), out var w) ? w : null, crops));
                    foreach (var (image, pixels) in crops) panels[(set.Name, image)].Add((step.Label, pixels));
                }
            runs.Add(new RunSummary(step.Run.Name, step.Label, step.Options.ModelType, Convert.ToString(step.Options.NetworkG!["type"], CultureInfo.InvariantCulture)!,
                                    step.GeneratorParameters, step.DiscriminatorParameters, result.LastIter, o.Budget.BatchSize, o.Budget.GtSize,
                                    result.SecondsPerIter, watch.Elapsed.TotalSeconds, step.Run.InitFrom, DescribeLosses(step), step.Run.Note, curves));
        }

        var dir = plan.ResultsDir;
        Directory.CreateDirectory(dir);
        var plots = WritePlots(dir, runs, reportOptions.Smoothing);
        var figures = new List<CropFigure>();
        var cropDir = Path.Combine(dir, "crops");
        Directory.CreateDirectory(cropDir);
        foreach (var ((set, image), list) in panels)
        {
            var w = windows[(set, image)];
            var all = list.Append(("GT", gtCrops[(set, image)])).ToList();
            int zoom = w.Size < 128 ? 2 : 1;
            var file = $"crops/{Safe(set)}_{Safe(image)}.png";
            using (LibTorch.NewDisposeScope()) writer.Write(CropStrip.Render(all, w.Size, zoom).ToTensor(), Path.Combine(dir, file));
            figures.Add(new CropFigure(set, image, w.Top, w.Left, w.Size, file, all.Select(p => p.Item1).ToList()));
        }

        var report = new AblationReport(o.Name, scale, o.Budget, device.ToString(), plan.Source, DateTime.Now,
                                        Notes(plan, runs, scores, sets.Select(s => s.Name).ToList()), runs, sets.Select(s => s.Name).ToList(),
                                        scores, plots, figures);
        File.WriteAllText(Path.Combine(dir, "report.md"), MarkdownReport.Render(report));
        File.WriteAllText(Path.Combine(dir, "report.html"), HtmlReport.Render(report));
        File.WriteAllText(Path.Combine(dir, "scores.csv"), ScoresCsv(scores));
        say?.Invoke($"report: {Path.Combine(dir, "report.md")} and report.html");
        return report;
    }

    /// <summary>Val images are named after their LQ file (BasicSR), e.g. "astronautx4"; a user may name the GT ("astronaut").</summary>
    private static bool SameImage(string requested, string image, int scale) =>
        requested == image || requested + $"x{scale}" == image;

    private static IEnumerable<string> ImageNames(IEnumerable<IImageSet> sets) =>
        sets.SelectMany(s => s.Images().Select(b => { using (b) return b.Names[0]; }));

    /// <summary>One PNG and one SVG per loss name (l_pix, l_percep, l_g_gan, ...), a curve per run that logs it, a
    /// stage that starts from another run drawn after it (<see cref="LossFigure"/>).</summary>
    private static List<PlotFigure> WritePlots(string dir, IReadOnlyList<RunSummary> runs, double smoothing)
    {
        var plotDir = Path.Combine(dir, "plots");
        Directory.CreateDirectory(plotDir);
        var keys = runs.SelectMany(r => r.Curves.Keys.Select(FigureKey)).Distinct().ToList();
        var figures = new List<PlotFigure>();
        foreach (var key in keys)
        {
            var plot = LossFigure.Build(key, runs, FigureKey, smoothing);
            var png = $"plots/loss_{Safe(key)}.png";
            var svg = $"plots/loss_{Safe(key)}.svg";
            File.WriteAllBytes(Path.Combine(dir, png), LinePlotRenderer.Png(plot));
            File.WriteAllText(Path.Combine(dir, svg), LinePlotRenderer.Svg(plot));
            figures.Add(new PlotFigure(key, plot, png, svg));
        }
        return figures;
    }

    // The GAN models log their content losses under BasicSR's names (l_g_pix), SRModel as l_pix: one figure for
    // both, so a GAN stage's L1 curve sits beside the PSNR stage's it started from.
    private static string FigureKey(string key) => key is "l_g_pix" or "l_g_percep" or "l_g_style" ? "l_" + key["l_g_".Length..] : key;

    /// <summary>"L1Loss x1" or "L1Loss x0.01 + PerceptualLoss x1 (random VGG) + GAN vanilla x0.005": what the run optimised.</summary>
    private static string DescribeLosses(AblationStep step)
    {
        var t = step.Options.Train!;
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        string W(Dictionary<string, object?> s, string key) =>
            s.TryGetValue(key, out var v) && v is not null ? double.Parse(Convert.ToString(v, inv)!, NumberStyles.Float, inv).ToString("G4", inv) : "1";
        if (t.PixelOpt is { } p) parts.Add($"{p.GetValueOrDefault("type")} x{W(p, "loss_weight")}");
        if (t.PerceptualOpt is { } q)
            parts.Add($"{q.GetValueOrDefault("type")} x{W(q, "perceptual_weight")}{(UsesRandomVgg(q) ? " (random VGG)" : "")}");
        if (t.GanOpt is { } g) parts.Add($"GAN {g.GetValueOrDefault("gan_type") ?? "vanilla"} x{W(g, "loss_weight")}");
        return string.Join(" + ", parts);
    }

    private static bool UsesRandomVgg(Dictionary<string, object?> perceptual) =>
        perceptual.TryGetValue("vgg_pretrained", out var v) && v is not null &&
        Convert.ToString(v, CultureInfo.InvariantCulture)!.Trim().ToLowerInvariant() is "false" or "no" or "off";

    /// <summary>The plain statements a reader needs to judge the numbers: budget, random VGG features, which models
    /// fall short of bicubic, and the file's own notes.</summary>
    private static List<string> Notes(AblationPlan plan, IReadOnlyList<RunSummary> runs, IReadOnlyList<ScoreRow> scores, IReadOnlyList<string> sets)
    {
        var o = plan.Options;
        var b = o.Budget;
        var inv = CultureInfo.InvariantCulture;
        var notes = new List<string>();
        if (o.Note is { } note) notes.Add(note.Trim());
        notes.Add(string.Create(inv, $"Budget: every run trained {b.TotalIter:N0} iterations of {b.BatchSize} HR crops of {b.GtSize}x{b.GtSize} pixels ") +
                  string.Create(inv, $"({b.TotalIter * b.BatchSize:N0} crops) at x{o.Scale}, from seed {o.ManualSeed}."));
        foreach (var r in runs.Where(r => r.Iterations != b.TotalIter))
            notes.Add(string.Create(inv, $"{r.Label} trained {r.Iterations:N0} iterations instead of the budget's {b.TotalIter:N0}") +
                      (r.InitFrom is { } f ? $", starting from {f}'s final weights." : "."));
        foreach (var r in runs.Where(r => r.InitFrom is not null && r.Iterations == b.TotalIter))
            notes.Add($"{r.Label} starts from {r.InitFrom}'s final weights, so it has seen {r.InitFrom}'s iterations as well as its own.");
        if (b.TotalIter < 100_000)
            notes.Add("This is a tiny budget: the published SRResNet/EDSR/ESRGAN models train for 300k-1M iterations of batch 16 " +
                      "on 800+ 2K images. These numbers show the pipeline end to end and rank the models only roughly; they are not the papers' results.");
        var randomVgg = plan.Steps.Where(s => s.Options.Train!.PerceptualOpt is { } q && UsesRandomVgg(q)).Select(s => s.Label).ToList();
        if (randomVgg.Count > 0)
            notes.Add($"The perceptual loss of {string.Join(", ", randomVgg)} uses randomly initialised VGG19 features (vgg_pretrained: false), " +
                      "not the ImageNet-trained VGG19 of the ESRGAN paper (those weights are not available here). It is a fixed random-feature loss, " +
                      "so the GAN stage here does not reproduce ESRGAN's perceptual quality.");
        foreach (var set in sets)
        {
            var bic = scores.First(s => s.Set == set && s.Model == AblationReport.Bicubic);
            foreach (var r in runs)
            {
                var s = scores.First(x => x.Set == set && x.Model == r.Label);
                if (s.PsnrRgb <= bic.PsnrRgb)
                    notes.Add(string.Create(inv, $"{r.Label} does not beat bicubic PSNR on {set} ({s.PsnrRgb:F2} dB vs {bic.PsnrRgb:F2} dB)") +
                              (r.ModelType.Contains("GAN", StringComparison.Ordinal) ? ": a GAN stage trades PSNR for texture." : "."));
            }
        }
        foreach (var r in runs.Where(r => r.Note is not null)) notes.Add($"{r.Label}: {r.Note!.Trim()}");
        return notes;
    }

    private static string ScoresCsv(IEnumerable<ScoreRow> scores)
    {
        var sb = new System.Text.StringBuilder("set,model,psnr_rgb,ssim_rgb,psnr_y,ssim_y,images\n");
        foreach (var s in scores)
            sb.Append(CultureInfo.InvariantCulture, $"{s.Set},{s.Model},{s.PsnrRgb:R},{s.SsimRgb:R},{s.PsnrY:R},{s.SsimY:R},{s.Images}\n");
        return sb.ToString();
    }

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}

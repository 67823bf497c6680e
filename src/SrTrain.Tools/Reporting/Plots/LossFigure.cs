namespace SrTrain.Tools.Reporting.Plots;

/// <summary>The loss figures of an ablation on one iteration axis: a run that starts from an earlier run's weights
/// (<c>init_from</c>, ESRGAN's GAN stage from its PSNR stage) is drawn after that run's last iteration, where its
/// training continues, with a dashed marker there; independent runs all start at 0.</summary>
public static class LossFigure
{
    /// <summary>Where each run's iteration 0 sits on the shared axis, by run name: 0, or its init_from run's start
    /// plus that run's iterations.</summary>
    public static IReadOnlyDictionary<string, double> StageStarts(IReadOnlyList<RunSummary> runs)
    {
        var starts = new Dictionary<string, double>();
        foreach (var run in runs)
        {
            // AblationPlan only accepts init_from naming an earlier run, so the parent is already placed.
            var parent = run.InitFrom is { } from ? runs.FirstOrDefault(r => r.Name == from) : null;
            starts[run.Name] = parent is null ? 0 : starts[parent.Name] + parent.Iterations;
        }
        return starts;
    }

    /// <summary>The figure of loss <paramref name="key"/>: one series per run that logs it (under a name
    /// <paramref name="figureKey"/> maps to <paramref name="key"/>), shifted by <see cref="StageStarts"/>.</summary>
    public static LinePlot Build(string key, IReadOnlyList<RunSummary> runs, Func<string, string> figureKey, double smoothing = Smoothing.DefaultWeight)
    {
        var starts = StageStarts(runs);
        var series = new List<PlotSeries>();
        var markers = new List<PlotMarker>();
        foreach (var run in runs)
        {
            var curve = run.Curves.FirstOrDefault(c => figureKey(c.Key) == key).Value;
            if (curve is null) continue;
            double start = starts[run.Name];
            series.Add(new PlotSeries(run.Label, curve.Select(p => (start + p.Iter, p.Value)).ToList()));
            if (run.InitFrom is { } from && runs.FirstOrDefault(r => r.Name == from) is { } parent)
                markers.Add(new PlotMarker(start, $"{run.Label} starts from {parent.Label}"));
        }
        return new LinePlot($"{key} during training", "iteration", key, series, LogY: true, smoothing, markers);
    }
}

using System.Globalization;
using System.Text;
using SrTrain.Abstractions.Contracts;
using SrTrain.Engine.Models;
using SrTrain.Abstractions.Options;
using SrTrain.Torch;

namespace SrTrain.Engine.Training;

/// <summary>One row of a test report: a metric's mean on one set.</summary>
public sealed record TestRow(string Set, string Metric, double Mean, int Images);

/// <summary>BasicSR's test.py: runs the generator over every test set (datasets.test_*), saves the SR
/// images under results/&lt;name&gt;/visualization/&lt;set&gt;/, and writes the metric table as CSV and Markdown.</summary>
public sealed class Tester(ExperimentOptions options, IDataPipeline data, IImageWriter? imageWriter)
{
    public IReadOnlyList<TestRow> Run(Action<string>? report = null)
    {
        var o = options;
        var paths = ExperimentPaths.ForTest(o);
        Directory.CreateDirectory(paths.ExperimentRoot);
        if (o.NumThreads is { } threads) LibTorch.NumThreads = threads;
        LibTorch.ManualSeed((ulong)(o.ManualSeed ?? 0));
        var device = DeviceSelection.Resolve(o, w => report?.Invoke("warning: " + w));
        using var model = Trainer.CreateModel(o with { IsTrain = false }, device);
        foreach (var note in model.LoadNotes) report?.Invoke(note);
        if (PrecisionChoice.IsAuto(o.Precision)) report?.Invoke($"precision {model.Precision.Name}: {model.Precision.Reason}");
        var val = o.Val ?? new ValOptions(SaveImg: true);
        var validator = new Validator(val, imageWriter);
        var rows = new List<TestRow>();
        foreach (var (phase, section) in o.Datasets)
        {
            var set = data.CreateImageSet(phase, (Dictionary<string, object?>)section!, o.Scale, device);
            var dir = Path.Combine(paths.Visualization, set.Name);
            var suffix = val.Suffix is { } s ? "_" + s : "_" + o.Name;
            var results = validator.Run(model, set, 0, dir, name => name + suffix + ".png",
                                        (done, total) => report?.Invoke($"{set.Name}: {done}/{total}"));
            foreach (var r in results) rows.Add(new TestRow(set.Name, r.Metric, r.Mean, r.PerImage.Count));
            if (results.Count == 0) rows.Add(new TestRow(set.Name, "images", set.Count, set.Count));
        }
        File.WriteAllText(Path.Combine(paths.ExperimentRoot, "metrics.csv"), ToCsv(rows));
        File.WriteAllText(Path.Combine(paths.ExperimentRoot, "metrics.md"), ToMarkdown(rows));
        return rows;
    }

    public static string ToCsv(IEnumerable<TestRow> rows)
    {
        var sb = new StringBuilder("set,metric,mean,images\n");
        foreach (var r in rows) sb.Append(CultureInfo.InvariantCulture, $"{r.Set},{r.Metric},{r.Mean:R},{r.Images}\n");
        return sb.ToString();
    }

    /// <summary>A table with one row per set and one column per metric (6 decimals, as BasicSR prints).</summary>
    public static string ToMarkdown(IReadOnlyList<TestRow> rows)
    {
        var metrics = rows.Select(r => r.Metric).Distinct().ToList();
        var sb = new StringBuilder($"| set | {string.Join(" | ", metrics)} |\n|---|{string.Concat(metrics.Select(_ => "---|"))}\n");
        foreach (var set in rows.Select(r => r.Set).Distinct())
        {
            sb.Append($"| {set} |");
            foreach (var m in metrics)
            {
                var row = rows.FirstOrDefault(r => r.Set == set && r.Metric == m);
                sb.Append(row is null ? " |" : string.Create(CultureInfo.InvariantCulture, $" {row.Mean:F6} |"));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}

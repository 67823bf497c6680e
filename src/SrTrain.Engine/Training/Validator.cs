using SrTrain.Abstractions.Contracts;
using SrTrain.Engine.Metrics;
using SrTrain.Engine.Models;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Engine.Training;

/// <summary>The result of one metric on one set: the mean over images and the per-image values.</summary>
public sealed record MetricResult(string Metric, double Mean, IReadOnlyList<(string Image, double Value)> PerImage);

/// <summary>Runs a model over image sets, computes the configured metrics exactly as BasicSR does
/// (on the uint8-rounded result, tensor2img), saves images when asked, and tracks the best value of
/// each metric with the iteration it was reached at.</summary>
public sealed class Validator(ValOptions options, IImageWriter? writer)
{
    private readonly Dictionary<(string Set, string Metric), (double Value, long Iter)> best = [];
    private readonly List<(string Name, object Metric)> metrics =
        options.Metrics.Select(kv => (kv.Key, TypeRegistry.Create<object>(RegistryKind.Metric,
            OptionConversion.AsMap(kv.Value, $"val.metrics.{kv.Key}"), $"val.metrics.{kv.Key}"))).ToList();

    /// <summary>Best value per (set, metric) and its iteration.</summary>
    public IReadOnlyDictionary<(string Set, string Metric), (double Value, long Iter)> Best => best;

    /// <summary>Validates on one set. <paramref name="imageDir"/> receives images when save_img is set;
    /// <paramref name="imageName"/> maps (image, iter) to a file name.</summary>
    public IReadOnlyList<MetricResult> Run(TrainingModel model, IImageSet set, long iter, string? imageDir,
                                           Func<string, string> imageName, Action<int, int>? progress = null)
    {
        var values = metrics.ToDictionary(m => m.Name, _ => new List<(string, double)>());
        int done = 0;
        foreach (var batch in set.Images())
        {
            using var scope = LibTorch.NewDisposeScope();
            using (batch)
            {
                var sr = model.Test(batch.Lq, options.SelfEnsemble, options.Tile, options.TilePad, set.Scale);
                var name = batch.Names[0];
                if (imageDir is not null && options.SaveImg && writer is not null)
                {
                    var path = Path.Combine(imageDir, imageName(name));
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    writer.Write(sr, path);
                }
                if (metrics.Count > 0)
                {
                    if (batch.Gt is null && metrics.Any(m => m.Metric is not INoReferenceMetric))
                        throw new InvalidOperationException($"val set {set.Name} has no GT for metrics (image {name})");
                    var srImg = ToUint8Hwc(sr);
                    var gtImg = batch.Gt is null ? null : ToUint8Hwc(batch.Gt);
                    foreach (var (metricName, metric) in metrics)
                        values[metricName].Add((name, metric switch
                        {
                            INoReferenceMetric n => n.Calculate(HwcImage.FromTensor(srImg), $"val set {set.Name} image {name}"),
                            IImageMetric m => m.Calculate(HwcImage.FromTensor(srImg), HwcImage.FromTensor(gtImg!)),
                            ITensorMetric t => t.Calculate(Quantize(sr), Quantize(batch.Gt!)).Item(),
                            _ => throw new OptionException($"val.metrics.{metricName}: {metric.GetType().Name} is not a metric"),
                        }));
                }
            }
            progress?.Invoke(++done, set.Count);
        }
        var results = new List<MetricResult>();
        foreach (var (metricName, metric) in metrics)
        {
            var list = values[metricName];
            double mean = list.Count == 0 ? double.NaN : list.Average(v => v.Item2);
            results.Add(new MetricResult(metricName, mean, list));
            bool higherBetter = (metric as IImageMetric)?.Better != "lower" && (metric as ITensorMetric)?.Better != "lower"
                                && (metric as INoReferenceMetric)?.Better != "lower";
            var key = (set.Name, metricName);
            if (!best.TryGetValue(key, out var b) || (higherBetter ? mean > b.Value : mean < b.Value))
                best[key] = (mean, iter);
        }
        return results;
    }

    /// <summary>BasicSR's tensor2img without the colour swap: clamp to [0, 1], *255, round; as (H, W, C).</summary>
    public static Tensor ToUint8Hwc(Tensor nchw) =>
        (nchw.Select(0, 0).Clamp(0, 1) * 255.0).Round().Permute(1, 2, 0).To(DType.UInt8);

    private static Tensor Quantize(Tensor nchw) => (nchw.Clamp(0, 1) * 255.0).Round() / 255.0;

    /// <summary>Restores best values from a training state.</summary>
    public void RestoreBest(IEnumerable<(string Set, string Metric, double Value, long Iter)> entries)
    {
        foreach (var (s, m, v, i) in entries) best[(s, m)] = (v, i);
    }
}

using SrTrain.Data.Datasets;
using SrTrain.Data.Transforms;

namespace SrTrain.Data.Loading;

/// <summary>A batch collated by a worker into contiguous NCHW float arrays, waiting for the consumer thread
/// to turn it into tensors (tensors are made on the consumer thread so they never meet a worker's scope).</summary>
internal sealed class PreparedBatch
{
    public float[]? Lq, Gt;
    public long[]? LqShape, GtShape;
    public string?[] LqPaths = [], GtPaths = [];
    public int? Scale;
    public Dictionary<string, (float[] Data, long[] Shape)> Extras = [];

    public static PreparedBatch Collate(IReadOnlyList<Sample> samples)
    {
        var batch = new PreparedBatch
        {
            LqPaths = samples.Select(s => s.LqPath).ToArray(),
            GtPaths = samples.Select(s => s.GtPath).ToArray(),
        };
        (batch.Lq, batch.LqShape) = Stack(samples, s => s.Lq, s => s.LqPath, "lq");
        (batch.Gt, batch.GtShape) = Stack(samples, s => s.Gt, s => s.GtPath, "gt");
        foreach (var key in samples[0].Extras.Keys)
        {
            var shape = samples[0].Extras[key].Shape;
            long size = shape.Aggregate(1L, (a, b) => a * b);
            var data = new float[samples.Count * size];
            for (int i = 0; i < samples.Count; i++)
            {
                if (!samples[i].Extras.TryGetValue(key, out var e) || !e.Shape.SequenceEqual(shape))
                    throw new InvalidDataException($"cannot collate '{key}': sample {samples[i].GtPath ?? samples[i].LqPath} lacks it or has another shape");
                e.Data.CopyTo(data, i * size);
            }
            batch.Extras[key] = (data, [samples.Count, .. shape]);
        }
        return batch;
    }

    private static (float[]?, long[]?) Stack(IReadOnlyList<Sample> samples, Func<Sample, Image?> pick, Func<Sample, string?> path, string what)
    {
        var first = pick(samples[0]);
        if (first is null)
        {
            if (samples.Any(s => pick(s) is not null)) throw new InvalidDataException($"cannot collate: some samples have no {what} image");
            return (null, null);
        }
        int c = first.Channels, h = first.Height, w = first.Width, size = c * h * w;
        var data = new float[(long)samples.Count * size];
        for (int i = 0; i < samples.Count; i++)
        {
            var img = pick(samples[i]) ?? throw new InvalidDataException($"cannot collate: sample {path(samples[i])} has no {what} image");
            if (img.Channels != c || img.Height != h || img.Width != w)
                throw new InvalidDataException(
                    $"cannot collate {what} images of different sizes: {path(samples[0])} gives {h}x{w}x{c}, {path(samples[i])} gives {img.SizeText}; " +
                    "crop to gt_size or use batch_size_per_gpu: 1");
            TensorLayout.ToChw(img, data.AsSpan(i * size, size));
        }
        return (data, [samples.Count, c, h, w]);
    }
}

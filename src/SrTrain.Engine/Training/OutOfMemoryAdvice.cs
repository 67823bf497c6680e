using System.Globalization;
using SrTrain.Abstractions.Options;
using SrTrain.Torch;

namespace SrTrain.Engine.Training;

/// <summary>What <c>srtrain train</c> says when libtorch runs out of memory (<see cref="TorchOutOfMemoryException"/>):
/// where, how much it tried to allocate, libtorch's own figures, and the options that shrink a step's memory with
/// their current values (<c>datasets.train.gt_size</c>, <c>batch_size_per_gpu</c>, <c>network_g.use_checkpoint</c>,
/// <c>train.accum_iter</c>).</summary>
public static class OutOfMemoryAdvice
{
    /// <summary>Exit code of a run stopped by an out-of-memory error.</summary>
    public const int ExitCode = 5;

    /// <summary>The message for <paramref name="error"/> in a run of <paramref name="o"/>: one line of what failed,
    /// then one of what to change.</summary>
    public static string For(ExperimentOptions o, TorchOutOfMemoryException error)
    {
        var where = error.OnCuda ? "the CUDA device" : "host memory (CPU)";
        var tried = error.Requested is { } r ? $" trying to allocate {r}" : "";
        var train = o.Datasets.TryGetValue("train", out var t) ? t as Dictionary<string, object?> : null;
        string Now(IReadOnlyDictionary<string, object?>? section, string key, string fallback) =>
            section is not null && section.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, CultureInfo.InvariantCulture)! : fallback;
        var gtSize = Now(train, "gt_size", "not set");
        var batch = Now(train, "batch_size_per_gpu", "1");
        var checkpointing = Now(o.NetworkG, "use_checkpoint", "false");
        var accum = (o.Train?.AccumIter ?? 1).ToString(CultureInfo.InvariantCulture);
        return $"out of memory on {where}{tried}: {FirstLine(error.Message)}\n" +
               $"to fit a training step: lower datasets.train.gt_size (now {gtSize}) or batch_size_per_gpu (now {batch}); " +
               $"set network_g.use_checkpoint: true (now {checkpointing}; recomputes activations in the backward, where the arch supports it); " +
               $"or set train.accum_iter: K (now {accum}) with batch_size_per_gpu divided by K (the same effective batch in K smaller steps)";
    }

    private static string FirstLine(string message)
    {
        var line = message.Trim().Split('\n')[0].Trim();
        return line.Length <= 400 ? line : line[..400] + " ...";
    }
}

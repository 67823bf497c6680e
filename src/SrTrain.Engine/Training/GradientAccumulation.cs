using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;

namespace SrTrain.Engine.Training;

/// <summary>Collects the micro-batches of one optimizer step (<c>train.accum_iter</c>) for the trainer and frees
/// them once the step has run (or at the end of an epoch, for a remainder too short for a step).</summary>
internal sealed class GradientAccumulation(int count) : IDisposable
{
    private readonly List<SrBatch> batches = [];

    /// <summary>The collected micro-batches, in loader order.</summary>
    public IReadOnlyList<SrBatch> Batches => batches;

    /// <summary>Adds one batch; true when the step's micro-batches are complete.</summary>
    public bool Add(SrBatch batch)
    {
        batches.Add(batch);
        return batches.Count == count;
    }

    /// <summary>Frees the collected batches and starts an empty step.</summary>
    public void Dispose()
    {
        foreach (var b in batches) b.Dispose();
        batches.Clear();
    }

    /// <summary>train.accum_iter, checked against the loader: at least 1 and no more than the batches of an epoch.</summary>
    public static int MicroBatchesPerStep(TrainOptions train, int batchesPerEpoch)
    {
        if (train.AccumIter < 1)
            throw new OptionException($"train.accum_iter: expected a number of micro-batches >= 1, got {train.AccumIter}");
        if (train.AccumIter > batchesPerEpoch)
            throw new OptionException($"train.accum_iter: {train.AccumIter} micro-batches per step, but an epoch has only {batchesPerEpoch} batches: " +
                                      "lower accum_iter or batch_size_per_gpu");
        return train.AccumIter;
    }
}

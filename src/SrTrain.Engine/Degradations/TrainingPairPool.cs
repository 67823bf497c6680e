using SrTrain.Torch;

namespace SrTrain.Engine.Degradations;

/// <summary>Real-ESRGAN's training-pair pool (BasicSR's _dequeue_and_enqueue, <c>queue_size</c>): synthesised pairs
/// are stored until the pool is full; from then on each batch is swapped with a random batch of the pool, so a batch
/// mixes degradations drawn for different batches. The pool lives on the device across iterations (not saved on resume,
/// as in BasicSR).</summary>
public sealed class TrainingPairPool(int size) : IDisposable
{
    private Tensor[]? pool;
    private int filled;

    /// <summary>Pool size in samples.</summary>
    public int Size { get; } = size;

    /// <summary>Puts the batch's tensors (all with the same first dimension, e.g. LQ, GT, USM-GT) into the pool and
    /// returns the tensors to train on: the batch itself while the pool fills, afterwards a random batch of the pool
    /// (<paramref name="rng"/> shuffles it) that the new batch replaces.</summary>
    public Tensor[] Exchange(Tensor[] batch, Random rng)
    {
        long b = batch[0].Size(0);
        if (Size % b != 0) throw new Abstractions.Registry.OptionException($"queue_size {Size} must be a multiple of the batch size {b} (batch_size_per_gpu), or 0 for no pool");
        if (pool is null)
            pool = batch.Select(t => Tensor.Zeros([Size, .. t.Shape.Skip(1)], t.DType, t.Device).DetachFromDisposeScope()).ToArray();
        if (filled < Size)
        {
            for (int i = 0; i < batch.Length; i++) pool[i].Slice(0, filled, filled + b).CopyFrom(batch[i]);
            filled += (int)b;
            return batch;
        }
        var order = Enumerable.Range(0, Size).ToArray();
        rng.Shuffle(order);
        using var idx = Tensor.From(order.Select(v => (long)v).ToArray(), [Size]).To(pool[0].Device);
        var result = new Tensor[batch.Length];
        for (int i = 0; i < batch.Length; i++)
        {
            var shuffled = pool[i].IndexSelect(0, idx).DetachFromDisposeScope();
            pool[i].Dispose();
            pool[i] = shuffled;
            result[i] = shuffled.Slice(0, 0, b).Clone();
            shuffled.Slice(0, 0, b).CopyFrom(batch[i]);
        }
        return result;
    }

    public void Dispose()
    {
        foreach (var t in pool ?? []) t.Dispose();
        pool = null;
    }
}

using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Degradations;
using SrTrain.Torch;

namespace SrTrain.Engine.Tests.Degradations;

/// <summary>The training-pair pool (BasicSR's _dequeue_and_enqueue): batches pass through (and are stored) while it fills;
/// afterwards each batch is drawn from the pool, so it holds only earlier batches' pairs, with LQ and GT still aligned.</summary>
public sealed class TrainingPairPoolTests
{
    [Fact]
    public void FillsThenSwapsKeepingPairsAligned()
    {
        using var scope = LibTorch.NewDisposeScope();
        using var pool = new TrainingPairPool(4);
        var rng = new Random(1);
        var seen = new List<float>();
        for (int step = 0; step < 6; step++)
        {
            // Sample ids 2*step, 2*step+1: lq holds the id, gt holds 10 x id.
            var ids = Tensor.From(new float[] { 2 * step, 2 * step + 1 }, [2, 1, 1, 1]);
            var outPair = pool.Exchange([ids.Clone(), ids * 10], rng);
            var lq = outPair[0].Reshape(-1).ToArray<float>();
            var gt = outPair[1].Reshape(-1).ToArray<float>();
            Assert.Equal(lq.Select(v => v * 10), gt);
            if (step < 2) Assert.Equal(new float[] { 2 * step, 2 * step + 1 }, lq);
            else Assert.All(lq, id => Assert.True(id < 2 * step, $"step {step} returned id {id} of its own batch"));
            if (step >= 2) seen.AddRange(lq);
        }
        // Once full, a dequeued pair leaves the pool: no pair comes out of it twice.
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public void PoolNotAMultipleOfTheBatchIsAnOptionError()
    {
        using var scope = LibTorch.NewDisposeScope();
        using var pool = new TrainingPairPool(5);
        var e = Assert.Throws<OptionException>(() => pool.Exchange([Tensor.Zeros([2, 1, 1, 1])], new Random(0)));
        Assert.Contains("queue_size", e.Message);
    }
}

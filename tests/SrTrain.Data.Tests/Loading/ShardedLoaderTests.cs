using SrTrain.Data.Datasets;
using SrTrain.Data.Loading;

namespace SrTrain.Data.Tests.Loading;

/// <summary>Data-parallel shards (BasicSR's EnlargedSampler): each rank takes positions rank, rank + N, ... of one
/// shared permutation of total_size = ceil(n x ratio / N) x N positions; a sample's crop is drawn from its position in
/// the whole epoch, so N ranks of batch B load exactly the samples of one rank of batch N x B.</summary>
public class ShardedLoaderTests : IDisposable
{
    private readonly string root = RepoPaths.NewTempDir("srtrain-shards");

    public ShardedLoaderTests() => TestImages.WritePairs(root, 7, 40, 48, 4);

    public void Dispose() => Directory.Delete(root, true);

    private DataLoader Loader(int batch, int rank = 0, int replicas = 1, int ratio = 1) =>
        new(new PairedImageDataset([Path.Combine(root, "gt")], [Path.Combine(root, "lq")], scale: 4, phase: "train", gtSize: 16,
                                   useHflip: true, useRot: true, filenameTmpl: "{}x4"),
            new DataLoaderOptions(BatchSize: batch, Shuffle: true, DropLast: true, Seed: 5, EnlargeRatio: ratio, Rank: rank, NumReplicas: replicas));

    [Theory]
    [InlineData(1, 2)]
    [InlineData(3, 2)]
    [InlineData(2, 3)]
    public void ShardsSplitOnePaddedPermutation(int ratio, int replicas)
    {
        int n = 7 * ratio, total = (n + replicas - 1) / replicas * replicas;
        var shards = Enumerable.Range(0, replicas).Select(r => Loader(1, r, replicas, ratio)).ToList();
        Assert.All(shards, s => Assert.Equal(total / replicas, s.SamplesPerEpoch));
        Assert.All(shards, s => Assert.Equal(total, s.TotalSize));
        // Positions r + k N over the ranks cover 0..total-1 exactly once.
        var positions = shards.SelectMany((s, r) => Enumerable.Range(0, s.SamplesPerEpoch).Select(s.GlobalPosition)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, total), positions);
        // Every dataset index is visited ratio times, the padding repeats the first ones of the permutation (mod 7).
        var visits = shards.SelectMany(s => s.Order(3)).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(total, visits.Values.Sum());
        Assert.All(Enumerable.Range(0, 7), i => Assert.InRange(visits[i], ratio, ratio + 1));
        // The shards of another epoch are another permutation.
        Assert.NotEqual(shards[0].Order(3), shards[0].Order(4));
    }

    [Fact]
    public void OneReplicaKeepsTheUnshardedOrder()
    {
        // No rounding, rank 0 of 1: every position is its own global position.
        var one = Loader(1);
        Assert.Equal(7, one.SamplesPerEpoch);
        Assert.Equal(Enumerable.Range(0, 7), Enumerable.Range(0, 7).Select(one.GlobalPosition));
        Assert.Equal(Enumerable.Range(0, 7), one.Order(2).Order());
    }

    [Fact]
    public void TwoRanksOfBatch1LoadTheSamplesOfOneRankOfBatch2()
    {
        using var scope = LibTorch.NewDisposeScope();
        // 7 images x ratio 2 = 14 positions: no padding, so both runs draw the same permutation.
        var whole = Loader(2, ratio: 2).Epoch(1).Take(3).ToList();
        var rank0 = Loader(1, 0, 2, ratio: 2).Epoch(1).Take(3).ToList();
        var rank1 = Loader(1, 1, 2, ratio: 2).Epoch(1).Take(3).ToList();
        for (int b = 0; b < 3; b++)
        {
            // Batch b of the whole epoch holds positions 2b, 2b + 1 = rank 0's and rank 1's local batch b.
            TensorAssert.Equal(whole[b].Gt!.Narrow(0, 0, 1), rank0[b].Gt!, $"batch {b}, rank 0");
            TensorAssert.Equal(whole[b].Gt!.Narrow(0, 1, 1), rank1[b].Gt!, $"batch {b}, rank 1");
            TensorAssert.Equal(whole[b].Lq.Narrow(0, 1, 1), rank1[b].Lq, $"batch {b}, rank 1 LQ");
        }
        foreach (var x in whole.Concat(rank0).Concat(rank1)) x.Dispose();
    }
}

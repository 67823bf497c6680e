using SrTrain.Archs;
using SrTrain.Bench;
using SrTrain.Torch;

namespace SrTrain.Bench.Tests;

/// <summary>rrdb_step's convolution arithmetic, recounted from the network SrTrain builds: each conv weight's
/// multiply-adds per output pixel times the pixels at its resolution (trunk at LQ size, conv_up1 at 2x, the rest at 4x).</summary>
public class RrdbStepBenchmarkTests
{
    private static double ForwardFlops(RrdbNet net, int batch, int lq)
    {
        double total = 0, first = 0;
        foreach (var (name, weight) in net.NamedParameters())
        {
            if (weight.Dim != 4) continue;
            int size = name.StartsWith("conv_up1.", StringComparison.Ordinal) ? 2 * lq
                : name.StartsWith("conv_up2.", StringComparison.Ordinal) || name.StartsWith("conv_hr.", StringComparison.Ordinal)
                  || name.StartsWith("conv_last.", StringComparison.Ordinal) ? 4 * lq : lq;
            double flops = 2.0 * batch * size * size * weight.NumEl;
            total += flops;
            if (name.StartsWith("conv_first.", StringComparison.Ordinal)) first = flops;
        }
        return 3 * total - first;   // forward, weight gradients, input gradients but the first conv's
    }

    [Theory]
    [InlineData(1, 8, 1, 64, 32)]
    [InlineData(2, 8, 2, 16, 8)]
    public void StepFlopsMatchesTheNetworksConvolutions(int batch, int lq, int blocks, int feat, int grow)
    {
        using var net = new RrdbNet(scale: 4, numFeat: feat, numBlock: blocks, numGrowCh: grow);
        Assert.Equal(ForwardFlops(net, batch, lq), RrdbStepBenchmark.StepFlops(false, batch, lq, feat, blocks, grow), 6);
    }

    [Fact]
    public void CheckpointingAddsTheTrunksForwardOnceMore()
    {
        double plain = RrdbStepBenchmark.StepFlops(false), ckpt = RrdbStepBenchmark.StepFlops(true);
        // The full network (23 RRDBs) at batch 4, LQ 32: the trunk is about 92% of the forward's arithmetic.
        Assert.InRange((ckpt - plain) / (plain / 3), 0.90, 0.95);
        Assert.InRange(plain / 1e9, 430, 450);
    }

    /// <summary>The ceiling is a real timing of the conv benchmark's conv2d: a rate a CPU can have (2 cores here run it
    /// at a few hundred GFLOPS; any CPU at least one, none a hundred thousand).</summary>
    [Fact]
    public void TheCeilingIsTheConvBenchmarksMeasuredRate() => Assert.InRange(ConvBenchmark.MeasureGflops(), 1, 100_000);
}

using SrTrain.Archs;
using SrTrain.Bench;
using SrTrain.Engine.Training;
using SrTrain.Torch;

namespace SrTrain.Bench.Tests;

/// <summary>The convolution list of RRDBNet that rrdb_step_bf16 times, checked against the network SrTrain builds, and
/// its timing run on a small network in both of the formats it times.</summary>
public class ConvLayersTests
{
    [Theory]
    [InlineData(8, 1, 64, 32)]
    [InlineData(4, 2, 16, 8)]
    public void RrdbNetListsEveryConvolutionOfTheNetworkOnce(int lq, int blocks, int feat, int grow)
    {
        using var net = new RrdbNet(scale: 4, numFeat: feat, numBlock: blocks, numGrowCh: grow);
        var weights = net.NamedParameters().Where(p => p.Tensor.Dim == 4).Select(p => p.Tensor.Shape).ToList();
        var layers = ConvLayers.RrdbNet(lq, feat, blocks, grow);
        Assert.Equal(weights.Count, layers.Sum(l => l.Count));
        // Each listed shape appears among the network's weights exactly as often as its count says.
        foreach (var layer in layers.GroupBy(l => (l.In, l.Out)))
            Assert.Equal(layer.Sum(l => l.Count), weights.Count(w => w[0] == layer.Key.Out && w[1] == layer.Key.In));
        Assert.Single(layers, l => !l.InputGradient);
        Assert.Equal(3, layers[0].In);
    }

    [Fact]
    public void TheTrunkIsTheDenseBlocksFiveConvolutions()
    {
        var trunk = ConvLayers.RrdbTrunk(ConvLayers.RrdbNet(blocks: 2)).ToList();
        Assert.Equal(5, trunk.Count);
        Assert.All(trunk, l => Assert.Equal(6, l.Count));
        Assert.Equal([64, 96, 128, 160, 192], trunk.Select(l => l.In));
    }

    [Fact]
    public void TheFirstLayerHasNoInputGradientInItsArithmetic()
    {
        var first = new ConvLayer(3, 64, 8, 1, InputGradient: false);
        var inner = first with { InputGradient = true };
        Assert.Equal(2.0 / 3, first.StepFlops(2) / inner.StepFlops(2), 12);
        Assert.Equal(2 * 2.0 * 2 * 8 * 8 * 3 * 64 * 9, first.StepFlops(2));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StepSecondsTimesTheLayersInTheirFormat(bool bf16ChannelsLast)
    {
        var layers = ConvLayers.RrdbNet(lqSize: 4, feat: 8, blocks: 1, grow: 4);
        double Time() => ConvLayers.StepSeconds(layers, batch: 1, bf16ChannelsLast, warmup: 1, rounds: 1);
        if (bf16ChannelsLast && CpuFeatures.Bf16SupportHere == Bf16Isa.None)
        {
            // oneDNN capped below AVX-512 on an AVX-512 CPU has no bf16 convolution: the bf16 benchmarks say so and skip.
            Assert.Throws<TorchException>(() => Time());
            Assert.Equal(StartChecks.Bf16Error, new RrdbStepBenchmark(checkpoint: false, bf16: true).Unavailable);
            return;
        }
        // A real timing of 16 small convolutions' forward and backward: more than nothing, far less than a minute.
        Assert.InRange(Time(), 1e-7, 60);
        Assert.Null(new RrdbStepBenchmark(checkpoint: false, bf16: bf16ChannelsLast).Unavailable);
    }
}

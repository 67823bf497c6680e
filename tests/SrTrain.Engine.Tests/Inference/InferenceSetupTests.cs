using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Inference;
using SrTrain.Engine.Training;
using SrTrain.Torch.Nn;
using static SrTrain.Engine.Tests.CpuFlagSets;

namespace SrTrain.Engine.Tests.Inference;

/// <summary>Inference's memory format and convolution algorithm, resolved together (CPU flags and Winograd availability
/// the tests give, never this machine's), and a forward through the setup: Winograd where auto takes it, within a
/// network's float32 tolerance of the direct kernels, the output back NCHW.</summary>
public class InferenceSetupTests
{
    private static InferenceSetup Cpu(string memoryFormat, string convAlgorithm, IReadOnlySet<string> flags, bool winograd) =>
        InferenceSetup.Resolve(memoryFormat, convAlgorithm, DeviceType.Cpu, flags, null, () => winograd);

    [Fact]
    public void AutoRunsNchwThroughWinogradWhereOneDnnHasItsKernels()
    {
        var setup = Cpu("auto", "auto", Avx512, winograd: true);
        Assert.True(setup.ConvAlgorithm.Winograd);
        Assert.False(setup.MemoryFormat.ChannelsLast);
        Assert.Contains("float32 NCHW inference", setup.ConvAlgorithm.Reason);
        Assert.Contains("Winograd convolutions, which run NCHW", setup.MemoryFormat.Reason);
        Assert.Equal(ConvAlgorithmChoice.AutoMaxScratchpadBytes, setup.ConvAlgorithm.MaxScratchpadBytes);

        var contiguous = Cpu("contiguous", "AUTO", Avx512, winograd: true);
        Assert.True(contiguous.ConvAlgorithm.Winograd);
        Assert.Equal("memory_format: contiguous", contiguous.MemoryFormat.Reason);
    }

    [Fact]
    public void WithoutWinogradAutoKeepsChannelsLastOnAvx512AndNchwBelow()
    {
        var avx512 = Cpu("auto", "auto", Avx512, winograd: false);
        Assert.False(avx512.ConvAlgorithm.Winograd);
        Assert.True(avx512.MemoryFormat.ChannelsLast);
        Assert.Contains("no float32 Winograd kernels", avx512.ConvAlgorithm.Reason);

        var avx2 = Cpu("auto", "auto", Avx2, winograd: false);
        Assert.False(avx2.ConvAlgorithm.Winograd);
        Assert.False(avx2.MemoryFormat.ChannelsLast);

        var direct = Cpu("auto", "direct", Avx512, winograd: true);
        Assert.False(direct.ConvAlgorithm.Winograd);
        Assert.True(direct.MemoryFormat.ChannelsLast);

        var cuda = InferenceSetup.Resolve("auto", "auto", DeviceType.Cuda, Avx512, null, () => true);
        Assert.False(cuda.ConvAlgorithm.Winograd);
        Assert.False(cuda.MemoryFormat.ChannelsLast);
    }

    [Fact]
    public void AskedForChannelsLastAutoRunsDirectAndWinogradThereIsAnError()
    {
        var channelsLast = Cpu("channels_last", "auto", Avx512, winograd: true);
        Assert.True(channelsLast.MemoryFormat.ChannelsLast);
        Assert.False(channelsLast.ConvAlgorithm.Winograd);
        Assert.Contains("the networks run channels_last", channelsLast.ConvAlgorithm.Reason);

        var e = Assert.Throws<OptionException>(() => Cpu("channels_last", "winograd", Avx512, winograd: true));
        Assert.Contains("conv_algorithm: winograd applies to float32 NCHW convolutions", e.Message);
        var unavailable = Assert.Throws<OptionException>(() => Cpu("auto", "winograd", Avx512, winograd: false));
        Assert.Contains("winograd is unavailable here", unavailable.Message);
        Assert.Throws<OptionException>(() => Cpu("auto", "fast", Avx512, winograd: true));
    }

    /// <summary>A small x2 net whose middle convolutions have channel counts Winograd takes (multiples of 16).</summary>
    private static Sequential WinogradSizedNet()
    {
        LibTorch.ManualSeed(5);
        return new Sequential(new Conv2d(3, 16, 3, padding: 1), new LeakyReLU(0.2), new Conv2d(16, 32, 3, padding: 1),
                              new LeakyReLU(0.2), new Conv2d(32, 16, 3, padding: 1), new LeakyReLU(0.2),
                              new Conv2d(16, 12, 3, padding: 1), new PixelShuffle(2));
    }

    [Fact]
    public void AWinogradForwardMatchesDirectKernelsWithinTheNetworkTolerance()
    {
        if (!ConvAlgorithm.WinogradAvailable) return;   // ConvAlgorithmTests.UnavailableWinogradIsAClearError covers this machine
        using var net = WinogradSizedNet();
        net.Eval();
        using var scope = LibTorch.NewDisposeScope();
        using var noGrad = LibTorch.NoGrad();
        var lq = Tensor.Rand([1, 3, 23, 31]);
        var winograd = Cpu("auto", "auto", Avx512, winograd: true);
        var direct = Cpu("contiguous", "direct", Avx512, winograd: true);
        var viaWinograd = winograd.Forward(net, lq);
        var viaDirect = direct.Forward(net, lq);
        Assert.False(ConvAlgorithm.WinogradEnabled, "the setup's Winograd scope ends with the forward");
        Assert.Equal(new long[] { 1, 3, 46, 62 }, viaWinograd.Shape);
        Assert.True(viaWinograd.IsContiguous(), "the output comes back NCHW");
        TensorAssert.Close(viaDirect, viaWinograd, Tolerance.Network, "Winograd rounds differently, by float32 rounding only");
        Assert.True(viaDirect.Sub(viaWinograd).Abs().Max().Item() > 0, "the 16 -> 32 and 32 -> 16 layers ran through Winograd");
    }
}

using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Training;
using static SrTrain.Engine.Tests.CpuFlagSets;

namespace SrTrain.Engine.Tests.Training;

/// <summary><c>memory_format: auto</c> takes channels_last where oneDNN has AVX-512 (CPU flags the tests give, never this
/// machine's) for bf16 training and for inference, keeps float32 training NCHW, follows the precision on CUDA, and stays
/// NCHW elsewhere; explicit values win.</summary>
public class MemoryFormatChoiceTests
{
    private static MemoryFormatChoice Cpu(string value, IReadOnlySet<string> flags, string? cap = null, string precision = "fp32", bool training = true) =>
        MemoryFormatChoice.Resolve(value, DeviceType.Cpu, precision, training, flags, cap);

    [Fact]
    public void AutoTakesChannelsLastForBf16TrainingAndInferenceWhereOneDnnHasAvx512()
    {
        var bf16 = Cpu("auto", Avx512, precision: "bf16");
        Assert.True(bf16.ChannelsLast);
        Assert.Equal("channels_last", bf16.Name);
        Assert.Contains("bf16 training", bf16.Reason);
        var inference = Cpu("AUTO", Avx512, training: false);
        Assert.True(inference.ChannelsLast);
        Assert.Contains("inference", inference.Reason);
        Assert.True(Cpu("auto", Avx512, "AVX512_CORE_BF16", precision: "bf16").ChannelsLast);
    }

    [Fact]
    public void AutoKeepsFloat32TrainingNchw()
    {
        var fp32 = Cpu("auto", Avx512);
        Assert.False(fp32.ChannelsLast);
        Assert.Equal("contiguous", fp32.Name);
        Assert.Contains("float32 training", fp32.Reason);
    }

    [Fact]
    public void AutoKeepsNchwBelowAvx512CappedOrUnknown()
    {
        foreach (bool training in new[] { true, false })
        {
            var avx2 = Cpu("auto", Avx2, precision: "bf16", training: training);
            Assert.False(avx2.ChannelsLast);
            Assert.Contains("below AVX-512", avx2.Reason);
            Assert.False(Cpu("auto", Avx512FOnly, precision: "bf16", training: training).ChannelsLast);   // AVX-512 without BW/VL/DQ: not oneDNN's avx512_core
            Assert.False(Cpu("auto", Avx512, "AVX2", training: training).ChannelsLast);
            Assert.False(Cpu("auto", Avx512, "SSE41", training: training).ChannelsLast);
            var unknown = Cpu("auto", new HashSet<string>(), training: training);
            Assert.False(unknown.ChannelsLast);
            Assert.Contains("unknown", unknown.Reason);
        }
    }

    [Fact]
    public void AutoOnCudaFollowsThePrecision()
    {
        Assert.False(MemoryFormatChoice.Resolve("auto", DeviceType.Cuda, "fp32", true, Avx512, null).ChannelsLast);
        Assert.True(MemoryFormatChoice.Resolve("auto", DeviceType.Cuda, "bf16", true, Avx2, null).ChannelsLast);
        Assert.True(MemoryFormatChoice.Resolve("auto", DeviceType.Cuda, "fp16", true, Avx2, null).ChannelsLast);
    }

    [Fact]
    public void ExplicitValuesWinAndUnknownOnesAreRefused()
    {
        Assert.True(Cpu("channels_last", Avx2).ChannelsLast);
        Assert.False(Cpu("contiguous", Avx512, precision: "bf16").ChannelsLast);
        var e = Assert.Throws<OptionException>(() => Cpu("nhwc", Avx512));
        Assert.Contains("memory_format: 'nhwc'", e.Message);
        Assert.Contains("auto, contiguous, channels_last", e.Message);
    }
}

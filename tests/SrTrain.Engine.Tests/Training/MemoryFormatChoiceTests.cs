using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Training;

namespace SrTrain.Engine.Tests.Training;

/// <summary><c>memory_format: auto</c> takes channels_last where oneDNN has AVX-512 (CPU flags the tests give, never this
/// machine's) or under half-precision autocast on CUDA, NCHW elsewhere; explicit values win.</summary>
public class MemoryFormatChoiceTests
{
    private static IReadOnlySet<string> Flags(string list) => CpuFeatures.ParseFlags("processor\t: 0\nflags\t\t: " + list + "\n");

    private static readonly IReadOnlySet<string> Avx2 = Flags("fpu sse2 avx avx2 fma");
    private static readonly IReadOnlySet<string> Avx512 = Flags("fpu avx2 avx512f avx512bw avx512vl avx512dq");
    private static readonly IReadOnlySet<string> Avx512FOnly = Flags("fpu avx2 avx512f avx512cd");

    private static MemoryFormatChoice Cpu(string value, IReadOnlySet<string> flags, string? cap = null, string precision = "fp32") =>
        MemoryFormatChoice.Resolve(value, DeviceType.Cpu, precision, flags, cap);

    [Fact]
    public void AutoTakesChannelsLastWhereOneDnnHasAvx512()
    {
        var avx512 = Cpu("auto", Avx512);
        Assert.True(avx512.ChannelsLast);
        Assert.Equal("channels_last", avx512.Name);
        Assert.Contains("AVX-512", avx512.Reason);
        Assert.True(Cpu("AUTO", Avx512, precision: "bf16").ChannelsLast);
        Assert.True(Cpu("auto", Avx512, "AVX512_CORE_BF16").ChannelsLast);
    }

    [Fact]
    public void AutoKeepsNchwBelowAvx512CappedOrUnknown()
    {
        var avx2 = Cpu("auto", Avx2);
        Assert.False(avx2.ChannelsLast);
        Assert.Equal("contiguous", avx2.Name);
        Assert.Contains("below AVX-512", avx2.Reason);
        Assert.False(Cpu("auto", Avx512FOnly).ChannelsLast);   // Xeon Phi-style AVX-512 without BW/VL/DQ: not oneDNN's avx512_core
        Assert.False(Cpu("auto", Avx512, "AVX2").ChannelsLast);
        Assert.False(Cpu("auto", Avx512, "SSE41").ChannelsLast);
        var unknown = Cpu("auto", new HashSet<string>());
        Assert.False(unknown.ChannelsLast);
        Assert.Contains("unknown", unknown.Reason);
    }

    [Fact]
    public void AutoOnCudaFollowsThePrecision()
    {
        Assert.False(MemoryFormatChoice.Resolve("auto", DeviceType.Cuda, "fp32", Avx512, null).ChannelsLast);
        Assert.True(MemoryFormatChoice.Resolve("auto", DeviceType.Cuda, "bf16", Avx2, null).ChannelsLast);
        Assert.True(MemoryFormatChoice.Resolve("auto", DeviceType.Cuda, "fp16", Avx2, null).ChannelsLast);
    }

    [Fact]
    public void ExplicitValuesWinAndUnknownOnesAreRefused()
    {
        Assert.True(Cpu("channels_last", Avx2).ChannelsLast);
        Assert.False(Cpu("contiguous", Avx512).ChannelsLast);
        var e = Assert.Throws<OptionException>(() => Cpu("nhwc", Avx512));
        Assert.Contains("memory_format: 'nhwc'", e.Message);
        Assert.Contains("auto, contiguous, channels_last", e.Message);
    }
}

using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Training;
using static SrTrain.Engine.Tests.CpuFlagSets;

namespace SrTrain.Engine.Tests.Training;

/// <summary><c>precision: auto</c> picks bf16 only where it is native, from CPU flags the tests give (never this
/// machine's), and an explicit bf16 where it is not native warns with the slowdown to expect.</summary>
public class PrecisionChoiceTests
{
    private static PrecisionChoice Cpu(string precision, IReadOnlySet<string> flags, string? cap = null) =>
        PrecisionChoice.Resolve(precision, DeviceType.Cpu, flags, cap, () => throw new InvalidOperationException("CUDA asked on a CPU run"));

    [Fact]
    public void AutoPicksBf16OnlyWhereTheCpuHasItNatively()
    {
        var bf16 = Cpu("auto", Avx512Bf16);
        Assert.True(bf16.Bf16);
        Assert.Equal("bf16", bf16.Name);
        Assert.Contains("avx512_bf16", bf16.Reason);
        Assert.True(Cpu("AUTO", Amx).Bf16);
        Assert.Contains("amx_bf16", Cpu("auto", Amx).Reason);

        var emulated = Cpu("auto", Avx512);
        Assert.False(emulated.Bf16);
        Assert.Equal("fp32", emulated.Name);
        Assert.Contains("no native bf16", emulated.Reason);
        var avx2 = Cpu("auto", Avx2);
        Assert.False(avx2.Bf16);
        Assert.Contains("5-15x", avx2.Reason);
    }

    [Fact]
    public void AutoStaysFp32WhenOneDnnIsCappedOrTheFlagsAreUnknown()
    {
        var capped = Cpu("auto", Avx512Bf16, "AVX512_CORE");
        Assert.False(capped.Bf16);
        Assert.Contains("DNNL_MAX_CPU_ISA=AVX512_CORE", capped.Reason);
        Assert.True(Cpu("auto", Avx512Bf16, "AVX512_CORE_BF16").Bf16);
        var unknown = Cpu("auto", new HashSet<string>());
        Assert.False(unknown.Bf16);
        Assert.Contains("unknown", unknown.Reason);
    }

    [Fact]
    public void AutoOnCudaFollowsTheDevice()
    {
        Assert.True(PrecisionChoice.Resolve("auto", DeviceType.Cuda, Avx2, null, () => true).Bf16);
        var old = PrecisionChoice.Resolve("auto", DeviceType.Cuda, Avx512Bf16, null, () => false);
        Assert.False(old.Bf16);
        Assert.Contains("CUDA", old.Reason);
    }

    [Fact]
    public void ExplicitValuesAreKeptWhateverTheCpu()
    {
        Assert.True(Cpu("bf16", Avx2).Bf16);
        Assert.True(Cpu("bfloat16", Avx512).Bf16);
        Assert.False(Cpu("fp32", Avx512Bf16).Bf16);
        Assert.False(Cpu("float32", Amx).Bf16);
        var e = Assert.Throws<OptionException>(() => Cpu("fp8", Avx512Bf16));
        Assert.Contains("precision: 'fp8' is not one of fp32, bf16, fp16, auto", e.Message);
    }

    [Fact]
    public void ExplicitBf16WarnsOnceWithTheSlowdownWhereNotNative()
    {
        var o = new ExperimentOptions("t", Precision: "bf16", IsTrain: false);
        List<string> Warnings(IReadOnlySet<string> flags, string? cap = null)
        {
            var list = new List<string>();
            StartChecks.Run(o, Device.Cpu, list.Add, flags, cap);
            return list;
        }
        Assert.Empty(Warnings(Avx512Bf16));
        Assert.Empty(Warnings(Amx));
        Assert.Equal([StartChecks.Bf16Warning], Warnings(Avx512));
        Assert.Equal([StartChecks.Bf16FallbackWarning], Warnings(Avx2));
        Assert.Contains("5-15x slower", StartChecks.Bf16FallbackWarning);
        Assert.Contains("1.15x slower", StartChecks.Bf16Warning);
        var e = Assert.Throws<OptionException>(() => Warnings(Avx512Bf16, "AVX2"));
        Assert.Equal(StartChecks.Bf16Error, e.Message);

        // auto never warns: it does not pick an emulated bf16.
        var list = new List<string>();
        StartChecks.Run(o with { Precision = "auto" }, Device.Cpu, list.Add, Avx2, null);
        Assert.Empty(list);
    }

    [Theory]
    [InlineData("fp16")]
    [InlineData("float16")]
    [InlineData("FP16")]
    public void Fp16IsCudaAutocastWithAScalerAndAClearErrorOnTheCpu(string precision)
    {
        var cuda = PrecisionChoice.Resolve(precision, DeviceType.Cuda, Avx2, null, () => throw new InvalidOperationException("fp16 needs no bf16 probe"));
        Assert.True(cuda.Fp16);
        Assert.False(cuda.Bf16);
        Assert.Equal("fp16", cuda.Name);
        Assert.Equal(DType.Float16, cuda.AutocastDType);

        var e = Assert.Throws<OptionException>(() => Cpu(precision, Avx512Bf16));
        Assert.Contains($"precision: '{precision}'", e.Message);
        Assert.Contains("CUDA", e.Message);
        Assert.Contains("no fp16", e.Message);
        // The trainer's start checks fail before the model is built, naming the key, the value and the device.
        var o = new ExperimentOptions("t", Precision: precision, IsTrain: false);
        var start = Assert.Throws<OptionException>(() => StartChecks.Run(o, Device.Cpu, _ => { }, Avx512Bf16, null));
        Assert.Contains($"precision: '{precision}'", start.Message);
        Assert.Contains("cpu", start.Message);
    }

    [Fact]
    public void Bf16AndFp32AutocastDTypesAreUnchanged()
    {
        Assert.Equal(DType.BFloat16, Cpu("bf16", Avx512Bf16).AutocastDType);
        Assert.Null(Cpu("fp32", Avx2).AutocastDType);
        Assert.False(Cpu("bf16", Avx512Bf16).Fp16);
        var cudaBf16 = PrecisionChoice.Resolve("bf16", DeviceType.Cuda, Avx2, null, () => true);
        Assert.Equal(DType.BFloat16, cudaBf16.AutocastDType);   // CUDA bf16: the same autocast path, CUDA's device type
    }
}

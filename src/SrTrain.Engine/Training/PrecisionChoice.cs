using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Engine.Training;

/// <summary>The precision a run computes in, resolved from the <c>precision</c> option: fp32, bf16 (autocast), fp16
/// (CUDA autocast with a gradient scaler), or <c>auto</c>, which picks bf16 only where it is native (a CPU with
/// avx512_bf16 or amx_bf16 that oneDNN may use, or a CUDA device with bf16 convolutions) and fp32 elsewhere.
/// <see cref="Reason"/> says why, for the log.</summary>
public sealed record PrecisionChoice(bool Bf16, string Reason)
{
    /// <summary>fp16 autocast (CUDA only), whose losses need a <see cref="SrTrain.Torch.Amp.GradScaler"/>.</summary>
    public bool Fp16 { get; init; }

    /// <summary>The option's value as the log shows it: fp32, bf16 or fp16.</summary>
    public string Name => Fp16 ? "fp16" : Bf16 ? "bf16" : "fp32";

    /// <summary>The dtype autocast regions compute in, or null for fp32 (no autocast).</summary>
    public DType? AutocastDType => Fp16 ? DType.Float16 : Bf16 ? DType.BFloat16 : null;

    /// <summary>True for the explicit bf16 spellings (bf16, bfloat16); auto is not explicit.</summary>
    public static bool IsBf16(string? precision) => precision?.ToLowerInvariant() is "bf16" or "bfloat16";

    /// <summary>True for the fp16 spellings (fp16, float16, half).</summary>
    public static bool IsFp16(string? precision) => precision?.ToLowerInvariant() is "fp16" or "float16" or "half";

    /// <summary>The error for fp16 on a CPU device: libtorch's CPU autocast runs bf16 only.</summary>
    public static string Fp16OnCpuError(string precision, string device) =>
        $"precision: '{precision}' needs a CUDA device, but this run trains on {device}: libtorch's CPU autocast has no fp16 " +
        "(use precision: bf16, fp32 or auto on the CPU, or device: cuda)";

    /// <summary>True for <c>precision: auto</c>.</summary>
    public static bool IsAuto(string? precision) => string.Equals(precision, "auto", StringComparison.OrdinalIgnoreCase);

    /// <summary>The choice on this machine: its CPU flags, oneDNN's ISA cap and its CUDA device.</summary>
    public static PrecisionChoice ForThisMachine(string precision, Device device) =>
        Resolve(precision, device.Type, CpuFeatures.Flags, Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA"),
                () => Device.CudaSupportsBf16);

    /// <summary>The choice for given CPU flags, oneDNN ISA cap and CUDA bf16 support (asked only on CUDA); tests pass their own.</summary>
    public static PrecisionChoice Resolve(string precision, DeviceType device, IReadOnlySet<string> cpuFlags, string? dnnlMaxIsa,
                                          Func<bool> cudaSupportsBf16)
    {
        if (IsBf16(precision)) return new(true, "precision: bf16");
        if (IsFp16(precision))
            return device == DeviceType.Cuda ? new(false, "precision: fp16") { Fp16 = true }
                : throw new OptionException(Fp16OnCpuError(precision!, device.ToString().ToLowerInvariant()));
        if (precision?.ToLowerInvariant() is "fp32" or "float32") return new(false, "precision: fp32");
        if (!IsAuto(precision)) throw new OptionException($"precision: '{precision}' is not one of fp32, bf16, fp16, auto");
        if (device == DeviceType.Cuda)
            return cudaSupportsBf16()
                ? new(true, "precision: auto, the CUDA device runs bf16 natively (compute capability 8.0 or later)")
                : new(false, "precision: auto, the CUDA device has no native bf16 (compute capability below 8.0)");
        if (cpuFlags.Count == 0)
            return new(false, "precision: auto, the CPU flags are unknown (no /proc/cpuinfo): fp32 is the safe choice");
        var native = string.Join(", ", new[] { "avx512_bf16", "amx_bf16" }.Where(cpuFlags.Contains));
        return CpuFeatures.Bf16Support(cpuFlags, dnnlMaxIsa) switch
        {
            Bf16Isa.Native => new(true, $"precision: auto, the CPU has native bf16 ({native} in /proc/cpuinfo)"),
            _ when native.Length > 0 => new(false, $"precision: auto, the CPU has {native} but DNNL_MAX_CPU_ISA={dnnlMaxIsa} keeps oneDNN from it"),
            Bf16Isa.Emulated => new(false, "precision: auto, the CPU has no native bf16 (no avx512_bf16 or amx_bf16 in /proc/cpuinfo): bf16 would be emulated, slower than fp32"),
            _ => new(false, "precision: auto, the CPU has neither AVX-512 nor native bf16: bf16 would be emulated, 5-15x slower than fp32"),
        };
    }
}

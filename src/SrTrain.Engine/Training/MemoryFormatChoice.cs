using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Engine.Training;

/// <summary>The memory format networks run in, resolved from the <c>memory_format</c> option: contiguous (NCHW, PyTorch's
/// default), channels_last (NHWC), or <c>auto</c> (the default), which takes channels_last where it was measured faster,
/// each case in separate processes on a 2-core EPYC with AVX-512 and AVX512-BF16: bf16 training (MSRResNet whole
/// iterations 0.19-0.30 vs 0.24-0.39 s) and float32 inference (RRDBNet 1.3 vs 2.2-2.5 s) on a CPU whose oneDNN has
/// AVX-512, and fp16/bf16 on CUDA (tensor cores want NHWC). float32 training stays NCHW: channels_last measured slower
/// there under glibc's default heap (MSRResNet 0.56-0.60 vs 0.43-0.51 s/iter) and within a few percent with the heap
/// tuned (NativeHeap; MSRResNet 0.267 vs 0.274 s/iter, EDSR either way), and NCHW rounds exactly as BasicSR's PyTorch does. Below AVX-512
/// (oneDNN capped at AVX2) channels_last was no faster. <see cref="Reason"/> says why, for the log.</summary>
public sealed record MemoryFormatChoice(bool ChannelsLast, string Reason)
{
    /// <summary>The format as the log shows it.</summary>
    public string Name => ChannelsLast ? "channels_last" : "contiguous";

    /// <summary>The values <c>memory_format</c> accepts.</summary>
    public static readonly string[] Values = ["auto", "contiguous", "channels_last"];

    /// <summary>True for <c>memory_format: auto</c>.</summary>
    public static bool IsAuto(string? memoryFormat) => string.Equals(memoryFormat, "auto", StringComparison.OrdinalIgnoreCase);

    /// <summary>The choice on this machine (its CPU flags and oneDNN's ISA cap) for a device, the resolved precision, and
    /// training (<paramref name="training"/>) or inference.</summary>
    public static MemoryFormatChoice ForThisMachine(string memoryFormat, DeviceType device, string precisionName, bool training) =>
        Resolve(memoryFormat, device, precisionName, training, CpuFeatures.Flags, Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA"));

    /// <summary>The choice for given CPU flags and oneDNN ISA cap (tests pass their own). <paramref name="precisionName"/>
    /// is the resolved precision (fp32, bf16, fp16).</summary>
    public static MemoryFormatChoice Resolve(string? memoryFormat, DeviceType device, string precisionName, bool training,
                                             IReadOnlySet<string> cpuFlags, string? dnnlMaxIsa)
    {
        var value = memoryFormat?.Trim().ToLowerInvariant();
        if (value == "channels_last") return new(true, "memory_format: channels_last");
        if (value == "contiguous") return new(false, "memory_format: contiguous");
        if (value != "auto") throw new OptionException($"memory_format: '{memoryFormat}' is not one of {string.Join(", ", Values)}");
        if (device == DeviceType.Cuda)
            return precisionName == "fp32"
                ? new(false, "memory_format: auto, fp32 on CUDA: NCHW")
                : new(true, $"memory_format: auto, {precisionName} autocast on CUDA: channels_last suits tensor cores");
        if (cpuFlags.Count == 0)
            return new(false, "memory_format: auto, the CPU flags are unknown (no /proc/cpuinfo): NCHW");
        if (!OneDnnUsesAvx512(cpuFlags, dnnlMaxIsa))
            return new(false, "memory_format: auto, oneDNN runs below AVX-512 here (channels_last is no faster there): NCHW");
        if (training && precisionName == "fp32")
            return new(false, "memory_format: auto, float32 training on the CPU: NCHW (channels_last was not clearly faster for it)");
        return training
            ? new(true, $"memory_format: auto, {precisionName} training and oneDNN with AVX-512: channels_last")
            : new(true, "memory_format: auto, inference and oneDNN with AVX-512: channels_last");
    }

    /// <summary>True when the CPU has AVX-512 (F, BW, VL, DQ: oneDNN's avx512_core) and <c>DNNL_MAX_CPU_ISA</c> does not cap
    /// oneDNN below it.</summary>
    public static bool OneDnnUsesAvx512(IReadOnlySet<string> flags, string? dnnlMaxIsa)
    {
        bool avx512Core = flags.Contains("avx512f") && flags.Contains("avx512bw") && flags.Contains("avx512vl") && flags.Contains("avx512dq");
        var cap = dnnlMaxIsa?.Trim().ToUpperInvariant();
        bool capAllows = string.IsNullOrEmpty(cap) || cap is "ALL" || cap.StartsWith("AVX512_CORE", StringComparison.Ordinal)
                         || cap.StartsWith("AVX10", StringComparison.Ordinal) || cap.Contains("AMX", StringComparison.Ordinal);
        return avx512Core && capAllows;
    }
}

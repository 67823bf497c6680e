using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Engine.Training;

/// <summary>The memory format the networks train in, resolved from the <c>memory_format</c> option: contiguous (NCHW,
/// PyTorch's default), channels_last (NHWC), or <c>auto</c> (the default), which takes channels_last where it was
/// measured faster: on a CPU whose oneDNN may use AVX-512 (its NHWC convolutions avoid a reorder per layer), and on CUDA
/// under fp16/bf16 autocast (tensor cores want NHWC). Elsewhere auto keeps NCHW: on AVX2 oneDNN, channels_last measured
/// no faster, and NCHW rounds exactly as BasicSR's PyTorch does. <see cref="Reason"/> says why, for the log.</summary>
public sealed record MemoryFormatChoice(bool ChannelsLast, string Reason)
{
    /// <summary>The format as the log shows it.</summary>
    public string Name => ChannelsLast ? "channels_last" : "contiguous";

    /// <summary>The values <c>memory_format</c> accepts.</summary>
    public static readonly string[] Values = ["auto", "contiguous", "channels_last"];

    /// <summary>True for <c>memory_format: auto</c>.</summary>
    public static bool IsAuto(string? memoryFormat) => string.Equals(memoryFormat, "auto", StringComparison.OrdinalIgnoreCase);

    /// <summary>The choice on this machine: its CPU flags and oneDNN's ISA cap, the device and the resolved precision.</summary>
    public static MemoryFormatChoice ForThisMachine(string memoryFormat, DeviceType device, string precisionName) =>
        Resolve(memoryFormat, device, precisionName, CpuFeatures.Flags, Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA"));

    /// <summary>The choice for given CPU flags and oneDNN ISA cap (tests pass their own). <paramref name="precisionName"/>
    /// is the resolved precision (fp32, bf16, fp16).</summary>
    public static MemoryFormatChoice Resolve(string? memoryFormat, DeviceType device, string precisionName,
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
        return new(true, "memory_format: auto, oneDNN has AVX-512 here: channels_last (NHWC convolutions skip a reorder per layer)");
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

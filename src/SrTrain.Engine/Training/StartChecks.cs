using SrTrain.Abstractions.Options;
using SrTrain.Torch;

namespace SrTrain.Engine.Training;

/// <summary>What the trainer checks before its first step: contradicting options (<see cref="OptionConsistency"/>,
/// an error naming the keys) and settings that will run but slowly (bf16 on a CPU without native bf16).</summary>
public static class StartChecks
{
    /// <summary>Throws an <see cref="Abstractions.Registry.OptionException"/> for contradicting options; passes
    /// the softer findings to <paramref name="warn"/>.</summary>
    public static void Run(ExperimentOptions o, Device device, Action<string> warn)
    {
        foreach (var w in OptionConsistency.Validate(o)) warn(w);
        if (device.Type != DeviceType.Cpu || !IsBf16(o.Precision)) return;
        var isa = CpuFeatures.Bf16Support(CpuFeatures.Flags, Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA"));
        if (isa == Bf16Isa.None) throw new Abstractions.Registry.OptionException(Bf16Error);
        if (isa == Bf16Isa.Emulated) warn(Bf16Warning);
    }

    /// <summary>The warning for bf16 autocast on an AVX-512 CPU without bf16 instructions, which oneDNN emulates.</summary>
    public const string Bf16Warning =
        "precision: bf16 on a CPU without native bf16 (no avx512_bf16 or amx_bf16 in /proc/cpuinfo, or DNNL_MAX_CPU_ISA below them): " +
        "oneDNN emulates it with AVX-512, measured 1.15x slower per iteration than fp32 (smoke MSRResNet, AVX512_CORE); use precision: fp32 here";

    /// <summary>The error for bf16 autocast on a CPU without AVX-512, where oneDNN has no bf16 convolution.</summary>
    public const string Bf16Error =
        "precision: bf16 needs a CPU with AVX-512 (avx512bw/vl/dq) or native bf16: below that oneDNN has no bf16 convolution " +
        "(measured with DNNL_MAX_CPU_ISA=AVX2: 'could not create a primitive descriptor iterator' at the first step); use precision: fp32";

    private static bool IsBf16(string? precision) => precision?.ToLowerInvariant() is "bf16" or "bfloat16";
}

/// <summary>How a CPU runs bf16 convolutions through oneDNN.</summary>
public enum Bf16Isa
{
    /// <summary>No bf16 convolution (below AVX512_CORE).</summary>
    None,
    /// <summary>AVX-512 without bf16 instructions: converted in software, slower than fp32.</summary>
    Emulated,
    /// <summary>AVX512-BF16 or AMX-BF16.</summary>
    Native,
}

/// <summary>CPU instruction-set features read from <c>/proc/cpuinfo</c> (Linux; elsewhere none are reported).</summary>
public static class CpuFeatures
{
    private static readonly Lazy<IReadOnlySet<string>> LazyFlags = new(() => ParseFlags(ReadCpuInfo()));

    /// <summary>The flags of this machine's CPU.</summary>
    public static IReadOnlySet<string> Flags => LazyFlags.Value;

    /// <summary>bf16 support from the CPU flags and oneDNN's ISA cap (<c>DNNL_MAX_CPU_ISA</c>, e.g. AVX2 or AVX512_CORE,
    /// which scripts/test.sh --isa sets); an unknown machine (no flags) is given the benefit of the doubt.</summary>
    public static Bf16Isa Bf16Support(IReadOnlySet<string> flags, string? dnnlMaxIsa)
    {
        if (flags.Count == 0) return Bf16Isa.Native;
        var cap = dnnlMaxIsa?.Trim().ToUpperInvariant();
        bool capAllowsAvx512 = string.IsNullOrEmpty(cap) || cap is "ALL" || cap.StartsWith("AVX512_CORE", StringComparison.Ordinal) || cap.StartsWith("AVX10", StringComparison.Ordinal);
        bool capAllowsBf16 = string.IsNullOrEmpty(cap) || cap is "ALL" || cap.Contains("BF16", StringComparison.Ordinal) || cap.Contains("AMX", StringComparison.Ordinal) || cap.StartsWith("AVX10", StringComparison.Ordinal);
        if (HasNativeBf16In(flags) && capAllowsBf16) return Bf16Isa.Native;
        bool avx512Core = flags.Contains("avx512bw") && flags.Contains("avx512vl") && flags.Contains("avx512dq");
        return avx512Core && capAllowsAvx512 ? Bf16Isa.Emulated : Bf16Isa.None;
    }

    /// <summary>The decision for a given flag set (tests pass their own).</summary>
    public static bool HasNativeBf16In(IReadOnlySet<string> flags) => flags.Contains("avx512_bf16") || flags.Contains("amx_bf16");

    /// <summary>The flags of the first processor in a <c>/proc/cpuinfo</c> text ("flags : fpu vme ...").</summary>
    public static IReadOnlySet<string> ParseFlags(string cpuinfo)
    {
        foreach (var line in cpuinfo.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() is "flags" or "Features")
                return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        }
        return new HashSet<string>();
    }

    private static string ReadCpuInfo()
    {
        try { return File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : ""; }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}

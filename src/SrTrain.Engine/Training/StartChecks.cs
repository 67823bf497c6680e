using SrTrain.Abstractions.Options;
using SrTrain.Torch;

namespace SrTrain.Engine.Training;

/// <summary>What the trainer checks before its first step: contradicting options (<see cref="OptionConsistency"/>,
/// an error naming the keys) and settings that will run but slowly (bf16 on a CPU without native bf16).</summary>
public static class StartChecks
{
    /// <summary>Throws an <see cref="Abstractions.Registry.OptionException"/> for contradicting options; passes
    /// the softer findings to <paramref name="warn"/>.</summary>
    public static void Run(ExperimentOptions o, Device device, Action<string> warn) =>
        Run(o, device, warn, CpuFeatures.Flags, Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA"));

    /// <summary><see cref="Run(ExperimentOptions, Device, Action{string})"/> for given CPU flags and oneDNN ISA cap (tests pass their own).</summary>
    public static void Run(ExperimentOptions o, Device device, Action<string> warn, IReadOnlySet<string> cpuFlags, string? dnnlMaxIsa)
    {
        foreach (var w in OptionConsistency.Validate(o)) warn(w);
        if (PrecisionChoice.IsFp16(o.Precision) && device.Type != DeviceType.Cuda)
            throw new Abstractions.Registry.OptionException(PrecisionChoice.Fp16OnCpuError(o.Precision, device.ToString()));
        // precision: auto never picks a slow bf16; only an explicit bf16 is checked against the CPU.
        if (device.Type != DeviceType.Cpu || !PrecisionChoice.IsBf16(o.Precision)) return;
        switch (CpuFeatures.Bf16Support(cpuFlags, dnnlMaxIsa))
        {
            case Bf16Isa.None: throw new Abstractions.Registry.OptionException(Bf16Error);
            case Bf16Isa.Emulated: warn(Bf16Warning); break;
            case Bf16Isa.Fallback: warn(Bf16FallbackWarning); break;
        }
    }

    /// <summary>The warning for bf16 autocast on an AVX-512 CPU without bf16 instructions, which oneDNN emulates.</summary>
    public const string Bf16Warning =
        "precision: bf16 on a CPU without native bf16 (no avx512_bf16 or amx_bf16 in /proc/cpuinfo, or DNNL_MAX_CPU_ISA below them): " +
        "oneDNN emulates it with AVX-512, measured 1.15x slower per iteration than fp32 (smoke MSRResNet, AVX512_CORE); " +
        "use precision: fp32 or auto here";

    /// <summary>The warning for bf16 autocast on a CPU without AVX-512 (AVX2 and below), where PyTorch's own bf16
    /// convolution replaces oneDNN's.</summary>
    public const string Bf16FallbackWarning =
        "precision: bf16 on a CPU without AVX-512 or native bf16 (no avx512bw/vl/dq, avx512_bf16 or amx_bf16 in /proc/cpuinfo): " +
        "bf16 is emulated without oneDNN, expect each iteration 5-15x slower than fp32; use precision: fp32 or auto here";

    /// <summary>The error for bf16 autocast with oneDNN capped below AVX-512 on an AVX-512 CPU, where oneDNN has no bf16 convolution.</summary>
    public const string Bf16Error =
        "precision: bf16 needs oneDNN's AVX-512 or native bf16 code: below that oneDNN has no bf16 convolution " +
        "(measured with DNNL_MAX_CPU_ISA=AVX2: 'could not create a primitive descriptor iterator' at the first step); use precision: fp32";
}

/// <summary>How a CPU runs bf16 convolutions.</summary>
public enum Bf16Isa
{
    /// <summary>No bf16 convolution: an AVX-512 CPU whose oneDNN is capped below AVX512_CORE (DNNL_MAX_CPU_ISA);
    /// libtorch still sends bf16 to oneDNN, which fails at the first step.</summary>
    None,
    /// <summary>AVX-512 without bf16 instructions: oneDNN converts in software, somewhat slower than fp32.</summary>
    Emulated,
    /// <summary>AVX-512 or native bf16 missing (AVX2 and below): libtorch skips oneDNN for bf16 and runs its own
    /// emulated convolution, several times slower than fp32.</summary>
    Fallback,
    /// <summary>AVX512-BF16 or AMX-BF16.</summary>
    Native,
}

/// <summary>CPU instruction-set features read from <c>/proc/cpuinfo</c> (Linux; elsewhere none are reported).</summary>
public static class CpuFeatures
{
    private static readonly Lazy<IReadOnlySet<string>> LazyFlags = new(() => ParseFlags(ReadCpuInfo()));

    /// <summary>The flags of this machine's CPU.</summary>
    public static IReadOnlySet<string> Flags => LazyFlags.Value;

    /// <summary>How this machine runs bf16 convolutions: its CPU flags under this process's DNNL_MAX_CPU_ISA.</summary>
    public static Bf16Isa Bf16SupportHere => Bf16Support(Flags, Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA"));

    /// <summary>bf16 support from the CPU flags and oneDNN's ISA cap (<c>DNNL_MAX_CPU_ISA</c>, e.g. AVX2 or AVX512_CORE,
    /// which scripts/test.sh --isa sets); an unknown machine (no flags) is given the benefit of the doubt here
    /// (an explicit bf16 is not refused), but not by <see cref="PrecisionChoice"/> (auto stays fp32).</summary>
    public static Bf16Isa Bf16Support(IReadOnlySet<string> flags, string? dnnlMaxIsa)
    {
        if (flags.Count == 0) return Bf16Isa.Native;
        var cap = dnnlMaxIsa?.Trim().ToUpperInvariant();
        bool capAllowsAvx512 = string.IsNullOrEmpty(cap) || cap is "ALL" || cap.StartsWith("AVX512_CORE", StringComparison.Ordinal) || cap.StartsWith("AVX10", StringComparison.Ordinal);
        bool capAllowsBf16 = string.IsNullOrEmpty(cap) || cap is "ALL" || cap.Contains("BF16", StringComparison.Ordinal) || cap.Contains("AMX", StringComparison.Ordinal) || cap.StartsWith("AVX10", StringComparison.Ordinal);
        if (HasNativeBf16In(flags) && capAllowsBf16) return Bf16Isa.Native;
        // libtorch picks oneDNN for bf16 from the CPU's own flags (avx512bw/vl/dq), whatever the cap says.
        bool avx512Core = flags.Contains("avx512bw") && flags.Contains("avx512vl") && flags.Contains("avx512dq");
        if (!avx512Core) return Bf16Isa.Fallback;
        return capAllowsAvx512 ? Bf16Isa.Emulated : Bf16Isa.None;
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

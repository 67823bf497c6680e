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
        if (device.Type == DeviceType.Cpu && IsBf16(o.Precision) && !CpuFeatures.HasNativeBf16)
            warn(Bf16Warning);
    }

    /// <summary>The warning for bf16 autocast on a CPU that emulates bf16.</summary>
    public const string Bf16Warning =
        "precision: bf16 on a CPU without native bf16 (no avx512_bf16 or amx_bf16 in /proc/cpuinfo): libtorch emulates it, " +
        "measured about 2x slower per iteration than fp32 on such CPUs; use precision: fp32 here";

    private static bool IsBf16(string? precision) => precision?.ToLowerInvariant() is "bf16" or "bfloat16";
}

/// <summary>CPU instruction-set features read from <c>/proc/cpuinfo</c> (Linux; elsewhere none are reported).</summary>
public static class CpuFeatures
{
    private static readonly Lazy<IReadOnlySet<string>> Flags = new(() => ParseFlags(ReadCpuInfo()));

    /// <summary>True when the CPU computes bf16 natively (AVX512-BF16 or AMX-BF16), so autocast to bf16 pays off.</summary>
    public static bool HasNativeBf16 => HasNativeBf16In(Flags.Value);

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

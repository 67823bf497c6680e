namespace SrTrain.TestSupport;

/// <summary>Which CPU and which kernel set the tests run on, for failure messages and for the few tests whose
/// outcome depends on it. libtorch picks its ATen kernels from <c>ATEN_CPU_CAPABILITY</c> (default, avx2, avx512)
/// and oneDNN its ISA from <c>DNNL_MAX_CPU_ISA</c>; both default to the best the CPU has.</summary>
public static class CpuKernels
{
    private static readonly Lazy<(string Model, HashSet<string> Flags)> Cpu = new(() =>
    {
        string model = "unknown CPU";
        var flags = new HashSet<string>();
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                var parts = line.Split(':', 2);
                if (parts.Length < 2) continue;
                var key = parts[0].Trim();
                if (key == "model name" && model == "unknown CPU") model = parts[1].Trim();
                else if (key == "flags" && flags.Count == 0) flags.UnionWith(parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }
        catch (IOException) { }
        return (model, flags);
    });

    /// <summary>The CPU's model name.</summary>
    public static string Model => Cpu.Value.Model;

    /// <summary>Whether the CPU reports <paramref name="flag"/> in /proc/cpuinfo (e.g. avx512_bf16).</summary>
    public static bool Has(string flag) => Cpu.Value.Flags.Contains(flag);

    /// <summary>ATEN_CPU_CAPABILITY, or "native" when unset.</summary>
    public static string AtenCapability => Environment.GetEnvironmentVariable("ATEN_CPU_CAPABILITY") is { Length: > 0 } v ? v : "native";

    /// <summary>DNNL_MAX_CPU_ISA, or "native" when unset.</summary>
    public static string OneDnnIsa => Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA") is { Length: > 0 } v ? v : "native";

    /// <summary>True when oneDNN is capped below AVX-512 on a CPU that has it. libtorch 1.13 routes bf16 convolutions
    /// to oneDNN whenever the CPU has AVX-512 (it does not read the cap), and the capped oneDNN then has no bf16
    /// kernel: a combination no real CPU produces (an AVX2-only CPU gets ATen's own bf16 kernels).</summary>
    public static bool OneDnnCappedBelowCpu =>
        Has("avx512bw") && OneDnnIsa.ToUpperInvariant() is "SSE41" or "AVX" or "AVX2" or "AVX2_VNNI";

    /// <summary>One line for messages: CPU, the ISA extensions that change kernels, and the kernel set in force.</summary>
    public static string Describe()
    {
        var isa = new[] { "avx2", "avx512f", "avx512bw", "avx512_bf16", "amx_bf16" }.Where(Has);
        return $"CPU {Model} [{string.Join(' ', isa)}], ATEN_CPU_CAPABILITY={AtenCapability}, DNNL_MAX_CPU_ISA={OneDnnIsa}";
    }
}

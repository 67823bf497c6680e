using SrTrain.Engine.Training;

namespace SrTrain.Bench;

/// <summary>Whether bf16 benchmarks can run here: not where libtorch sends bf16 convolutions to a oneDNN capped below
/// its bf16 code (an AVX-512 CPU under DNNL_MAX_CPU_ISA=AVX2 or lower), where training refuses bf16 too.</summary>
public static class Bf16Availability
{
    /// <summary>The reason bf16 cannot run on this machine, or null where it can (natively, emulated or in libtorch's fallback).</summary>
    public static string? Unavailable => CpuFeatures.Bf16SupportHere == Bf16Isa.None ? StartChecks.Bf16Error : null;
}

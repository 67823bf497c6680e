using SrTrain.Engine.Training;

namespace SrTrain.Engine.Tests;

/// <summary>CPU flag sets for the tests of choices made from /proc/cpuinfo (precision, memory format, inference setup),
/// parsed as <see cref="CpuFeatures.ParseFlags"/> reads that file: never this machine's flags.</summary>
internal static class CpuFlagSets
{
    public static IReadOnlySet<string> Flags(string list) => CpuFeatures.ParseFlags("processor\t: 0\nflags\t\t: " + list + "\n");

    public static readonly IReadOnlySet<string> Avx2 = Flags("fpu sse2 avx avx2 fma");
    public static readonly IReadOnlySet<string> Avx512 = Flags("fpu avx2 avx512f avx512bw avx512vl avx512dq");
    public static readonly IReadOnlySet<string> Avx512FOnly = Flags("fpu avx2 avx512f avx512cd");
    public static readonly IReadOnlySet<string> Avx512Bf16 = Flags("fpu avx2 avx512f avx512bw avx512vl avx512dq avx512_bf16");
    public static readonly IReadOnlySet<string> Amx = Flags("fpu avx2 avx512f avx512bw avx512vl avx512dq amx_bf16 amx_tile");
}

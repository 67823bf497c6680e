using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

// Fused optimizer steps (native/src/optim.cpp). State arrays are in/out: a zero entry is
// created natively on a parameter's first step and its new handle written back.
internal static unsafe partial class Native
{
    // Per-parameter flag bits, mirrored in optim.cpp.
    internal const int OptimAmsgrad = 1;
    internal const int OptimMaximize = 2;
    internal const int OptimDecoupled = 4;
    internal const int OptimNesterov = 8;
    internal const int OptimFused = 16;

    [DllImport(Lib)] internal static extern int srt_adam_step(nint* parameters, int count, nint* expAvgs, nint* expAvgSqs, nint* maxExpAvgSqs,
        double* hyper, int* flags, byte* stepped);
    [DllImport(Lib)] internal static extern int srt_sgd_step(nint* parameters, int count, nint* momentumBuffers,
        double* hyper, int* flags, byte* stepped);
}

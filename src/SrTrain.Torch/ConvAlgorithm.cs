using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

/// <summary>Which oneDNN algorithm float32 3x3 stride-1 convolutions use on the CPU: libtorch's direct convolution (the
/// default, PyTorch's own rounding) or, once <see cref="UseWinograd"/> is on, oneDNN's Winograd F(4x4, 3x3) kernels, which
/// libtorch 1.13 never asks for. Winograd does fewer multiplications (on a 2-core EPYC with AVX-512, per primitive:
/// 1.3-2x faster forward and backward for 64-192 -> 32-64 channels at 32-128 px) and rounds differently: transforms
/// into and out of the Winograd domain add error a few times float32's epsilon times the sum of |input x weight|
/// products, the size of a change of summation order. The choice holds for the code a <see cref="UseWinograd"/> scope
/// encloses (an async-local value: the training loop and what it awaits or starts), not for other threads.</summary>
public static class ConvAlgorithm
{
    private static readonly AsyncLocal<bool> winograd = new();
    private static readonly Lazy<bool> available = new(() =>
    {
        Native.Check(Native.srt_winograd_available(out int yes));
        return yes != 0;
    });

    /// <summary>True when this build links oneDNN (Debian's libtorch with libdnnl-dev) and oneDNN has float32 Winograd
    /// kernels on this CPU (AVX-512: avx512_core; capped below it by DNNL_MAX_CPU_ISA, or on AVX2-only CPUs, it has none).</summary>
    public static bool WinogradAvailable => available.Value;

    /// <summary>Whether convolutions here go through Winograd (inside a <see cref="UseWinograd"/> scope that turned it on).</summary>
    public static bool WinogradEnabled => winograd.Value;

    /// <summary>Turns Winograd convolutions on (or off) until the returned scope is disposed, which restores the previous
    /// choice; on fails where they are unavailable.</summary>
    public static Scope UseWinograd(bool on = true)
    {
        if (on && !WinogradAvailable)
            throw new InvalidOperationException("Winograd convolutions are unavailable here: "
                + "they need a libtorch build that links oneDNN (Debian's libtorch-dev with libdnnl-dev) and oneDNN's AVX-512 kernels");
        var previous = winograd.Value;
        winograd.Value = on;
        return new Scope(previous);
    }

    /// <summary>Restores the choice that held before <see cref="UseWinograd"/>.</summary>
    public readonly struct Scope(bool previous) : IDisposable
    {
        public void Dispose() => winograd.Value = previous;
    }
}

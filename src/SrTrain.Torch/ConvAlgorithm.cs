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
    // 0: off (direct); otherwise the largest scratchpad, in bytes, a Winograd convolution may take.
    private static readonly AsyncLocal<long> winogradScratchpadLimit = new();
    private static readonly Lazy<bool> available = new(() =>
    {
        Native.Check(Native.srt_winograd_available(out int yes));
        return yes != 0;
    });

    /// <summary>True when this build links oneDNN (Debian's libtorch with libdnnl-dev) and oneDNN has float32 Winograd
    /// kernels on this CPU (AVX-512: avx512_core; capped below it by DNNL_MAX_CPU_ISA, or on AVX2-only CPUs, it has none).</summary>
    public static bool WinogradAvailable => available.Value;

    /// <summary>Whether convolutions here go through Winograd (inside a <see cref="UseWinograd"/> scope that turned it on).</summary>
    public static bool WinogradEnabled => winogradScratchpadLimit.Value > 0;

    /// <summary>The largest scratchpad (bytes) a Winograd convolution may take here: a convolution whose passes need more
    /// (forward, and the backward passes a gradient will flow through) runs its batch in chunks of fewer images, or
    /// libtorch's direct kernels where even one image's exceeds it.</summary>
    public static long WinogradScratchpadLimit => winogradScratchpadLimit.Value;

    /// <summary>The scratchpads (bytes) oneDNN's Winograd primitives take for an [n, c, h, w] input and k output channels
    /// (3x3, stride 1, pad 1), per pass; null where it has no Winograd kernel for that shape (or none at all here).</summary>
    public static (long Forward, long BackwardData, long BackwardWeights)? WinogradScratchpadBytes(long n, long c, long k, long h, long w)
    {
        Native.Check(Native.srt_winograd_scratchpad_bytes(n, c, k, h, w, out int yes, out long forward, out long data, out long weights));
        return yes != 0 ? (forward, data, weights) : null;
    }

    /// <summary>Turns Winograd convolutions on (or off) until the returned scope is disposed, which restores the previous
    /// choice; on fails where they are unavailable. <paramref name="maxScratchpadBytes"/> bounds a layer's Winograd
    /// scratchpad (see <see cref="WinogradScratchpadLimit"/>): it is live on top of the saved activations when the
    /// backward pass starts, so it adds to a step's peak memory (oneDNN's for VGG19's 512-channel layers: 44-125 MiB at
    /// batch 4, most of it for the weights, which chunks do not shrink).</summary>
    public static Scope UseWinograd(bool on = true, long maxScratchpadBytes = long.MaxValue)
    {
        if (on && !WinogradAvailable)
            throw new InvalidOperationException("Winograd convolutions are unavailable here: "
                + "they need a libtorch build that links oneDNN (Debian's libtorch-dev with libdnnl-dev) and oneDNN's AVX-512 kernels");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxScratchpadBytes);
        var previous = winogradScratchpadLimit.Value;
        winogradScratchpadLimit.Value = on ? maxScratchpadBytes : 0;
        return new Scope(previous);
    }

    /// <summary>Restores the choice that held before <see cref="UseWinograd"/>.</summary>
    public readonly struct Scope(long previous) : IDisposable
    {
        public void Dispose() => winogradScratchpadLimit.Value = previous;
    }
}

using SrTrain.Abstractions.Contracts;
using SrTrain.Torch;

namespace SrTrain.Engine.Inference;

/// <summary>Runs a network on an input size its arch does not accept: pads the input at the bottom and right to the
/// multiple its <see cref="InputRule"/> states, with its padding mode, and crops the output back (Real-ESRGAN's
/// mod_scale padding). Validation, <c>srtrain test</c> and <c>srtrain infer</c> use it, tiles included.</summary>
public static class InputPadding
{
    /// <summary><paramref name="forward"/> of <paramref name="x"/> (NCHW), padded per <paramref name="rule"/> when
    /// needed; the output is <paramref name="scale"/> times the unpadded input.</summary>
    public static Tensor Run(Func<Tensor, Tensor> forward, Tensor x, InputRule rule, int scale)
    {
        long h = x.Size(2), w = x.Size(3);
        int m = rule.Multiple;
        long ph = (m - h % m) % m, pw = (m - w % m) % m;
        if (ph == 0 && pw == 0) return forward(x);
        // Reflection needs more pixels than it adds; a 1-2 pixel sliver falls back to replication.
        var mode = rule.Padding == PaddingMode.Reflect && !(h > ph && w > pw) ? PaddingMode.Replicate : rule.Padding;
        var y = forward(F.Pad(x, [0, pw, 0, ph], mode));
        return y.Narrow(2, 0, h * scale).Narrow(3, 0, w * scale);
    }
}

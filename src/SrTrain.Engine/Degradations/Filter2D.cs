using SrTrain.Torch;

namespace SrTrain.Engine.Degradations;

/// <summary>BasicSR's filter2D: each image of a batch correlated with its own kernel (or one kernel for all), with
/// reflect padding so the size is kept; a grouped convolution over all samples and channels at once.</summary>
public static class Filter2D
{
    /// <summary>Filters <paramref name="img"/> (N, C, H, W) with <paramref name="kernel"/> (N, k, k), one per sample, or
    /// (1, k, k) for the whole batch; k odd and below H and W (reflect padding needs k/2 &lt; H, W).</summary>
    public static Tensor Apply(Tensor img, Tensor kernel)
    {
        if (img.Dim != 4) throw new ArgumentException($"filter2D: expected an (N, C, H, W) batch, got shape [{string.Join(", ", img.Shape)}]");
        long b = img.Size(0), c = img.Size(1), h = img.Size(2), w = img.Size(3), k = kernel.Size(-1);
        if (kernel.Dim != 3 || kernel.Size(1) != k || k % 2 == 0)
            throw new ArgumentException($"filter2D: expected (N, k, k) kernels with k odd, got shape [{string.Join(", ", kernel.Shape)}]");
        if (kernel.Size(0) != 1 && kernel.Size(0) != b)
            throw new ArgumentException($"filter2D: {kernel.Size(0)} kernels for a batch of {b}");
        long p = k / 2;
        if (p >= h || p >= w)
            throw new ArgumentException($"filter2D: a {k}x{k} kernel needs images larger than {p} pixels on each side, got {h}x{w} " +
                                        "(the degraded LQ is too small: use larger GT patches or a smaller scale)");
        var padded = F.Pad(img, [p, p, p, p], PaddingMode.Reflect);
        long ph = h + 2 * p, pw = w + 2 * p;
        if (kernel.Size(0) == 1)
            return F.Conv2d(padded.Reshape(b * c, 1, ph, pw), kernel.Reshape(1, 1, k, k)).Reshape(b, c, h, w);
        var weights = kernel.Reshape(b, 1, k, k).Repeat(1, c, 1, 1).Reshape(b * c, 1, k, k);
        return F.Conv2d(padded.Reshape(1, b * c, ph, pw), weights, groups: (int)(b * c)).Reshape(b, c, h, w);
    }
}

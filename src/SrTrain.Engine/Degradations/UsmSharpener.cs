using SrTrain.Torch;

namespace SrTrain.Engine.Degradations;

/// <summary>Unsharp masking of GT images (BasicSR's USMSharp, radius 50, weight 0.5, threshold 10): the residual from
/// a Gaussian blur (σ 8 for the 51-tap kernel, as cv2.getGaussianKernel(51, 0)) is added back at half strength, only
/// where it exceeds 10 grey levels, blended through the blurred mask so edges of the mask are soft.</summary>
public sealed class UsmSharpener : IDisposable
{
    private readonly Tensor column, row;
    private readonly int size;

    public UsmSharpener(Device device, int radius = 50)
    {
        if (radius % 2 == 0) radius++;
        size = radius;
        double sigma = 0.3 * ((radius - 1) * 0.5 - 1) + 0.8;
        var g = new double[radius];
        for (int i = 0; i < radius; i++) { double x = i - (radius - 1) / 2.0; g[i] = Math.Exp(-x * x / (2 * sigma * sigma)); }
        double sum = g.Sum();
        var k = g.Select(v => (float)(v / sum)).ToArray();
        // The 2-D kernel is the outer product g gᵀ: filtering by columns, then rows costs 2k instead of k² per pixel
        // (51 x 51: 25x fewer multiplications), with the same reflect padding as filter2D.
        using var c = Tensor.From(k, [1, 1, radius, 1]);
        using var r = Tensor.From(k, [1, 1, 1, radius]);
        column = c.To(device).DetachFromDisposeScope();
        row = r.To(device).DetachFromDisposeScope();
    }

    /// <summary>The sharpened batch (N, C, H, W) in [0, 1].</summary>
    public Tensor Apply(Tensor img, double weight = 0.5, double threshold = 10)
    {
        var blur = Blur(img);
        var residual = img - blur;
        var mask = (residual.Abs() * 255).Gt(threshold).To(DType.Float32);
        var softMask = Blur(mask);
        var sharp = (img + residual * weight).Clamp(0, 1);
        return softMask * sharp + (1 - softMask) * img;
    }

    private Tensor Blur(Tensor x)
    {
        long b = x.Size(0), c = x.Size(1), h = x.Size(2), w = x.Size(3), p = size / 2;
        if (p >= h || p >= w)
            throw new ArgumentException($"USM: the {size}x{size} blur needs images larger than {p} pixels on each side, got {h}x{w}");
        var padded = F.Pad(x, [p, p, p, p], PaddingMode.Reflect).Reshape(b * c, 1, h + 2 * p, w + 2 * p);
        return F.Conv2d(F.Conv2d(padded, column), row).Reshape(b, c, h, w);
    }

    public void Dispose()
    {
        column.Dispose();
        row.Dispose();
    }
}

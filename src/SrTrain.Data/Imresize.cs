using SrTrain.Torch;

namespace SrTrain.Data;

/// <summary>MATLAB's <c>imresize(img, scale, 'bicubic')</c> (BasicSR's matlab_functions.imresize): Keys
/// cubic kernel with a = -0.5, pixel-centre alignment, symmetric (mirror) borders and, when downscaling,
/// antialiasing by widening the kernel to 4/scale taps. Float in, float out, no clipping or rounding.
/// <para>It differs from OpenCV's <c>INTER_CUBIC</c>, which uses a = -0.75, a fixed 4-tap kernel even when
/// downscaling (so it aliases: x4 down samples 4 of every 16 input pixels' worth of support), and
/// replicated borders. SR benchmarks (DIV2K, Set5, ...) make their LR images with MATLAB's kernel, so
/// training pairs made with OpenCV would not match the test-time degradation.</para></summary>
public static class Imresize
{
    /// <summary>Resizes by <paramref name="scale"/> (&lt; 1 down); output size ceil(size * scale) as MATLAB.</summary>
    public static Image Resize(Image image, double scale, bool antialias = true) =>
        Resize(image, scale, scale, OutSize(image.Height, scale), OutSize(image.Width, scale), antialias);

    /// <summary>Resizes to <paramref name="outHeight"/> x <paramref name="outWidth"/> (scale out/in per dimension,
    /// MATLAB's <c>imresize(img, [h w])</c>).</summary>
    public static Image Resize(Image image, int outHeight, int outWidth, bool antialias = true) =>
        Resize(image, (double)outHeight / image.Height, (double)outWidth / image.Width, outHeight, outWidth, antialias);

    /// <summary>Downscales by an integer factor to exactly size / factor (the caller mod-crops first), as
    /// BasicSR's LR preparation does; avoids ceil() meeting a rounding error of size * (1 / factor).</summary>
    public static Image Downscale(Image image, int factor, bool antialias = true)
    {
        if (image.Height % factor != 0 || image.Width % factor != 0)
            throw new ArgumentException($"image {image.Height}x{image.Width} is not divisible by {factor}: mod-crop it first");
        return Resize(image, 1.0 / factor, 1.0 / factor, image.Height / factor, image.Width / factor, antialias);
    }

    /// <summary>Full form: kernel scales per dimension and explicit output size.</summary>
    public static Image Resize(Image image, double scaleH, double scaleW, int outHeight, int outWidth, bool antialias = true)
    {
        var wh = ResizeWeights.Compute(image.Height, outHeight, scaleH, antialias);
        var ww = ResizeWeights.Compute(image.Width, outWidth, scaleW, antialias);
        // MATLAB resizes the dimension with the smaller scale first; the result only differs in rounding.
        if (scaleW < scaleH) return ResizeRows(ResizeColumns(image, ww), wh);
        return ResizeColumns(ResizeRows(image, wh), ww);
    }

    /// <summary>Resizes the last two dimensions of a [..., H, W] float tensor (CHW or NCHW) by
    /// <paramref name="scale"/>, as two matrix products with the dense MATLAB weights.</summary>
    public static Tensor Resize(Tensor x, double scale, bool antialias = true)
    {
        var shape = x.Shape;
        if (shape.Length < 2) throw new ArgumentException($"expected a [..., H, W] tensor, got shape [{string.Join(", ", shape)}]");
        int h = (int)shape[^2], w = (int)shape[^1];
        return Resize(x, scale, scale, OutSize(h, scale), OutSize(w, scale), antialias);
    }

    /// <summary>Tensor form with explicit kernel scales and output size.</summary>
    public static Tensor Resize(Tensor x, double scaleH, double scaleW, int outHeight, int outWidth, bool antialias = true)
    {
        var shape = x.Shape;
        int h = (int)shape[^2], w = (int)shape[^1];
        var wh = ResizeWeights.Compute(h, outHeight, scaleH, antialias);
        var ww = ResizeWeights.Compute(w, outWidth, scaleW, antialias);
        using var scope = LibTorch.NewDisposeScope();
        var mh = Tensor.From(wh.Dense(), [outHeight, h], x.Device).To(x.DType);
        var mwT = Tensor.From(ww.Dense(), [outWidth, w], x.Device).To(x.DType).T();
        return mh.MatMul(x).MatMul(mwT).MoveToOuterScope();
    }

    private static int OutSize(int size, double scale)
    {
        if (!(scale > 0)) throw new ArgumentException($"scale must be positive, got {scale}");
        return (int)Math.Ceiling(size * scale);
    }

    private static Image ResizeRows(Image src, ResizeWeights wh)
    {
        int rowLen = src.Width * src.Channels, taps = wh.Taps;
        var dst = new Image(wh.OutLength, src.Width, src.Channels);
        var acc = new double[rowLen];
        for (int i = 0; i < wh.OutLength; i++)
        {
            Array.Clear(acc);
            for (int p = 0; p < taps; p++)
            {
                double weight = wh.Weights[i * taps + p];
                if (weight == 0) continue;
                var row = src.Data.AsSpan(wh.Indices[i * taps + p] * rowLen, rowLen);
                for (int k = 0; k < rowLen; k++) acc[k] += weight * row[k];
            }
            var outRow = dst.Data.AsSpan(i * rowLen, rowLen);
            for (int k = 0; k < rowLen; k++) outRow[k] = (float)acc[k];
        }
        return dst;
    }

    private static Image ResizeColumns(Image src, ResizeWeights ww)
    {
        int c = src.Channels, taps = ww.Taps, outW = ww.OutLength;
        var dst = new Image(src.Height, outW, c);
        Span<double> acc = stackalloc double[c];
        for (int y = 0; y < src.Height; y++)
        {
            var row = src.Data.AsSpan(y * src.Width * c, src.Width * c);
            var outRow = dst.Data.AsSpan(y * outW * c, outW * c);
            for (int j = 0; j < outW; j++)
            {
                acc.Clear();
                for (int p = 0; p < taps; p++)
                {
                    double weight = ww.Weights[j * taps + p];
                    if (weight == 0) continue;
                    int at = ww.Indices[j * taps + p] * c;
                    for (int k = 0; k < c; k++) acc[k] += weight * row[at + k];
                }
                for (int k = 0; k < c; k++) outRow[j * c + k] = (float)acc[k];
            }
        }
        return dst;
    }
}

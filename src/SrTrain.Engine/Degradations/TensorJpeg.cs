using SrTrain.Torch;

namespace SrTrain.Engine.Degradations;

/// <summary>JPEG compression and decompression of a batch on its device, each image at its own quality (the role of
/// BasicSR's DiffJPEG(differentiable=False)): RGB to YCbCr (JFIF), 4:2:0 box-averaged chroma, level shift, orthonormal
/// 8 x 8 DCT, quantisation by libjpeg's quality-scaled standard tables with rounding, dequantisation, inverse DCT,
/// libjpeg's "fancy" (bilinear) chroma upsampling, back to RGB. The planes are rounded to 8 bits where a codec stores
/// them. Differences from BasicSR's DiffJPEG, each to follow libjpeg: integer tables floor((t s + 50) / 100) clamped to
/// [1, 255] (DiffJPEG: t s / 100) in natural order (DiffJPEG transposes them), edge-replicating padding to a multiple
/// of 16 (DiffJPEG: zeros), 8-bit planes and bilinear chroma upsampling (DiffJPEG: float planes, nearest).</summary>
public static class TensorJpeg
{
    // JPEG Annex K.1 tables, natural (row-major) order: row = vertical frequency.
    private static readonly int[] LuminanceTable =
    [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ];

    private static readonly int[] ChrominanceTable = Chrominance();

    /// <summary>Compresses and decompresses <paramref name="img"/> (N, 3, H, W) in [0, 1] with one quality per image
    /// (1..100, fractional allowed as BasicSR draws them); returns the decoded batch in [0, 1], not rounded.</summary>
    public static Tensor Apply(Tensor img, IReadOnlyList<double> quality)
    {
        if (img.Dim != 4 || img.Size(1) != 3) throw new ArgumentException($"jpeg: expected an (N, 3, H, W) batch, got [{string.Join(", ", img.Shape)}]");
        long b = img.Size(0), h = img.Size(2), w = img.Size(3);
        if (quality.Count != b) throw new ArgumentException($"jpeg: {quality.Count} qualities for a batch of {b}");
        var device = img.Device;
        long ph = (16 - h % 16) % 16, pw = (16 - w % 16) % 16;
        var x = F.Pad(img, [0, pw, 0, ph], PaddingMode.Replicate) * 255;
        Tensor r = x.Select(1, 0), g = x.Select(1, 1), bl = x.Select(1, 2);
        var y = (r * 0.299 + g * 0.587 + bl * 0.114).Round();
        var cb = (r * -0.168736 - g * 0.331264 + bl * 0.5 + 128).Round();
        var cr = (r * 0.5 - g * 0.418688 - bl * 0.081312 + 128).Round();
        cb = F.AvgPool2d(cb.Unsqueeze(1), 2).Squeeze(1).Round();
        cr = F.AvgPool2d(cr.Unsqueeze(1), 2).Squeeze(1).Round();
        using var yTable = Tables(LuminanceTable, quality, device);
        using var cTable = Tables(ChrominanceTable, quality, device);
        using var dct = DctMatrix(device);
        y = Quantise(y, yTable, dct);
        cb = Quantise(cb, cTable, dct);
        cr = Quantise(cr, cTable, dct);
        cb = F.Interpolate(cb.Unsqueeze(1), 2.0, InterpolationMode.Bilinear).Squeeze(1);
        cr = F.Interpolate(cr.Unsqueeze(1), 2.0, InterpolationMode.Bilinear).Squeeze(1);
        var ro = y + (cr - 128) * 1.402;
        var go = y - (cb - 128) * 0.344136 - (cr - 128) * 0.714136;
        var bo = y + (cb - 128) * 1.772;
        var rgb = Tensor.Stack([ro, go, bo], 1).Slice(2, 0, h).Slice(3, 0, w);
        return rgb.Clamp(0, 255) / 255;
    }

    /// <summary>libjpeg's quality scaling (jpeg_quality_scaling, jpeg_add_quant_table with force_baseline):
    /// s = 5000 / q below 50, else 200 - 2q; entry floor((t s + 50) / 100) clamped to [1, 255].</summary>
    public static int[] ScaledTable(IReadOnlyList<int> baseTable, double quality)
    {
        double q = Math.Clamp(quality, 1, 100);
        double s = q < 50 ? 5000 / q : 200 - 2 * q;
        return baseTable.Select(t => (int)Math.Clamp(Math.Floor((t * s + 50) / 100), 1, 255)).ToArray();
    }

    /// <summary>The standard luminance (true) or chrominance table, natural order.</summary>
    public static IReadOnlyList<int> StandardTable(bool luminance) => luminance ? LuminanceTable : ChrominanceTable;

    // (N, H, W) plane -> 8x8 blocks -> DCT, quantise, dequantise, inverse DCT -> plane rounded to 8 bits.
    private static Tensor Quantise(Tensor plane, Tensor tables, Tensor dct)
    {
        long b = plane.Size(0), h = plane.Size(1), w = plane.Size(2);
        var blocks = plane.Reshape(b, h / 8, 8, w / 8, 8).Permute(0, 1, 3, 2, 4) - 128;
        var dctT = dct.Transpose(0, 1);
        var coef = dct.MatMul(blocks).MatMul(dctT);
        var t = tables.Reshape(b, 1, 1, 8, 8);
        coef = (coef / t).Round() * t;
        var back = dctT.MatMul(coef).MatMul(dct) + 128;
        return back.Permute(0, 1, 3, 2, 4).Reshape(b, h, w).Round().Clamp(0, 255);
    }

    private static Tensor Tables(int[] baseTable, IReadOnlyList<double> quality, Device device)
    {
        var data = quality.SelectMany(q => ScaledTable(baseTable, q).Select(v => (float)v)).ToArray();
        using var cpu = Tensor.From(data, [quality.Count, 8, 8]);
        return cpu.To(device);
    }

    private static Tensor DctMatrix(Device device)
    {
        var m = new float[64];
        for (int u = 0; u < 8; u++)
        {
            double a = u == 0 ? Math.Sqrt(1.0 / 8) : Math.Sqrt(2.0 / 8);
            for (int x = 0; x < 8; x++) m[u * 8 + x] = (float)(a * Math.Cos((2 * x + 1) * u * Math.PI / 16));
        }
        using var cpu = Tensor.From(m, [8, 8]);
        return cpu.To(device);
    }

    private static int[] Chrominance()
    {
        var t = Enumerable.Repeat(99, 64).ToArray();
        int[] top = [17, 18, 24, 47, 18, 21, 26, 66, 24, 26, 56, 99, 47, 66, 99, 99];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) t[i * 8 + j] = top[i * 4 + j];
        return t;
    }
}

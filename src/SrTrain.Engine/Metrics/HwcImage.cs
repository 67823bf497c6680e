using SrTrain.Torch;

namespace SrTrain.Engine.Metrics;

/// <summary>An image as BasicSR's metrics take it: height x width x channels values in [0, 255]
/// (uint8 range, stored as double), row-major HWC, RGB channel order.</summary>
public sealed class HwcImage
{
    public HwcImage(double[] data, int height, int width, int channels)
    {
        if (height <= 0 || width <= 0 || channels <= 0)
            throw new ArgumentException($"image shape {height}x{width}x{channels} must be positive");
        if (data.Length != (long)height * width * channels)
            throw new ArgumentException($"{data.Length} values do not fill an HWC image of {height}x{width}x{channels}");
        (Data, Height, Width, Channels) = (data, height, width, channels);
    }

    /// <summary>Row-major HWC values.</summary>
    public double[] Data { get; }
    public int Height { get; }
    public int Width { get; }
    public int Channels { get; }

    /// <summary>The value at row <paramref name="y"/>, column <paramref name="x"/>, channel <paramref name="c"/>.</summary>
    public double this[int y, int x, int c] => Data[((long)y * Width + x) * Channels + c];

    /// <summary>An 8-bit HWC image (e.g. a decoded PNG).</summary>
    public static HwcImage FromBytes(ReadOnlySpan<byte> data, int height, int width, int channels)
    {
        var values = new double[data.Length];
        for (int i = 0; i < values.Length; i++) values[i] = data[i];
        return new HwcImage(values, height, width, channels);
    }

    /// <summary>An HWC (or HW, one channel) tensor of any dtype holding values in [0, 255].</summary>
    public static HwcImage FromTensor(Tensor hwc)
    {
        var shape = hwc.Shape;
        if (shape.Length is not (2 or 3))
            throw new ArgumentException($"expected an HWC or HW image tensor, got shape [{string.Join(", ", shape)}]");
        return new HwcImage(hwc.ToArray<double>(), (int)shape[0], (int)shape[1], shape.Length == 3 ? (int)shape[2] : 1);
    }

    /// <summary>The image without <paramref name="border"/> pixels on each edge (BasicSR's crop_border).</summary>
    public HwcImage CropBorder(int border)
    {
        if (border == 0) return this;
        if (border < 0) throw new ArgumentException($"crop_border must be >= 0, got {border}");
        int h = Height - 2 * border, w = Width - 2 * border;
        if (h <= 0 || w <= 0)
            throw new ArgumentException($"crop_border {border} leaves nothing of a {Height}x{Width} image");
        var data = new double[(long)h * w * Channels];
        for (int y = 0; y < h; y++)
            Array.Copy(Data, ((long)(y + border) * Width + border) * Channels, data, (long)y * w * Channels, (long)w * Channels);
        return new HwcImage(data, h, w, Channels);
    }

    /// <summary>One channel as a row-major H x W plane.</summary>
    public double[] Plane(int channel)
    {
        var plane = new double[(long)Height * Width];
        for (long i = 0; i < plane.Length; i++) plane[i] = Data[i * Channels + channel];
        return plane;
    }

    /// <summary>The preamble BasicSR's calculate_psnr and calculate_ssim share: same shape, crop_border, then
    /// the Y channel when <paramref name="testYChannel"/>.</summary>
    internal static (HwcImage, HwcImage) PrepareForMetric(HwcImage a, HwcImage b, int cropBorder, bool testYChannel)
    {
        if (a.Height != b.Height || a.Width != b.Width || a.Channels != b.Channels)
            throw new ArgumentException(
                $"image shapes differ: {a.Height}x{a.Width}x{a.Channels} and {b.Height}x{b.Width}x{b.Channels}");
        (a, b) = (a.CropBorder(cropBorder), b.CropBorder(cropBorder));
        return testYChannel ? (YChannel.FromRgb(a), YChannel.FromRgb(b)) : (a, b);
    }
}

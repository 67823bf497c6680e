using SrTrain.Torch;

namespace SrTrain.Data;

/// <summary>A decoded image: HWC float32 in [0, 1], channels in RGB(A) order (BasicSR keeps BGR in
/// NumPy arrays; we swap at decode time so no later step can mix the orders).</summary>
public sealed class Image : ICroppable
{
    /// <summary>Wraps <paramref name="data"/> (row-major HWC, not copied).</summary>
    public Image(int height, int width, int channels, float[] data)
    {
        if (height <= 0 || width <= 0 || channels <= 0)
            throw new ArgumentException($"image size {height}x{width}x{channels} must be positive");
        if (data.LongLength != (long)height * width * channels)
            throw new ArgumentException($"image data has {data.LongLength} values, {height}x{width}x{channels} needs {(long)height * width * channels}");
        (Height, Width, Channels, Data) = (height, width, channels, data);
    }

    /// <summary>A zero-filled image.</summary>
    public Image(int height, int width, int channels) : this(height, width, channels, new float[(long)height * width * channels]) { }

    public int Height { get; }
    public int Width { get; }
    public int Channels { get; }

    /// <summary>Pixel values, row-major HWC.</summary>
    public float[] Data { get; }

    /// <summary>Value at row <paramref name="y"/>, column <paramref name="x"/>, channel <paramref name="c"/>.</summary>
    public float this[int y, int x, int c]
    {
        get => Data[((long)y * Width + x) * Channels + c];
        set => Data[((long)y * Width + x) * Channels + c] = value;
    }

    /// <summary>"480x320x3", as used in messages.</summary>
    public string SizeText => $"{Height}x{Width}x{Channels}";

    /// <summary>A copy of rows [top, top+height) and columns [left, left+width).</summary>
    public Image Crop(int top, int left, int height, int width)
    {
        if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > Height || left + width > Width)
            throw new ArgumentOutOfRangeException(nameof(top), $"crop {height}x{width} at ({top}, {left}) is outside the {Height}x{Width} image");
        var result = new Image(height, width, Channels);
        int rowLen = width * Channels;
        for (int y = 0; y < height; y++)
            Array.Copy(Data, ((long)(top + y) * Width + left) * Channels, result.Data, (long)y * rowLen, rowLen);
        return result;
    }

    /// <summary>The image as a CHW float32 CPU tensor (BasicSR's img2tensor); owned by the current dispose scope.</summary>
    public Tensor ToTensor() => Tensor.From(Transforms.TensorLayout.ToChw(this), [Channels, Height, Width]);

    /// <summary>An image from a CHW (or 1xCxHxW) float tensor, the inverse of <see cref="ToTensor"/>.</summary>
    public static Image FromTensor(Tensor chw)
    {
        var shape = chw.Shape;
        if (shape.Length == 4 && shape[0] == 1) shape = shape[1..];
        if (shape.Length != 3)
            throw new ArgumentException($"expected a CHW or 1xCxHxW tensor, got shape [{string.Join(", ", chw.Shape)}]");
        var chwData = chw.ToArray<float>();
        return Transforms.TensorLayout.FromChw(chwData, (int)shape[0], (int)shape[1], (int)shape[2]);
    }
}

namespace SrTrain.Data;

/// <summary>An image whose pixels are available (decoded and held natively, or mapped from the decode-once
/// cache) but not yet converted to float: its size is known, and <see cref="Crop"/> converts only the region
/// a sample needs (a 128x128 patch of a 480x480 tile is 1/14 of the conversion and allocation). Disposing
/// releases what it holds; not thread-safe.</summary>
public abstract class StoredImage : ICroppable, IDisposable
{
    public abstract int Height { get; }
    public abstract int Width { get; }
    public abstract int Channels { get; }

    /// <summary>Writes rows [top, top+height) x columns [left, left+width) as HWC float32 in [0, 1] into
    /// <paramref name="destination"/> (height * width * <see cref="Channels"/> values).</summary>
    protected abstract void CropTo(int top, int left, int height, int width, Span<float> destination);

    /// <summary>The region as a new <see cref="Image"/>; a region outside the image is an error.</summary>
    public Image Crop(int top, int left, int height, int width)
    {
        if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > Height || left + width > Width)
            throw new ArgumentOutOfRangeException(nameof(top), $"crop {height}x{width} at ({top}, {left}) is outside the {Height}x{Width} image");
        var image = new Image(height, width, Channels);
        CropTo(top, left, height, width, image.Data);
        return image;
    }

    /// <summary>The whole image as float.</summary>
    public Image ToImage() => Crop(0, 0, Height, Width);

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>A <see cref="StoredImage"/> over an image already in float (sources that decode eagerly).</summary>
public sealed class FloatStoredImage(Image image) : StoredImage
{
    public override int Height => image.Height;
    public override int Width => image.Width;
    public override int Channels => image.Channels;

    protected override void CropTo(int top, int left, int height, int width, Span<float> destination)
    {
        int row = width * Channels;
        for (int y = 0; y < height; y++)
            image.Data.AsSpan(((top + y) * image.Width + left) * Channels, row).CopyTo(destination.Slice(y * row, row));
    }
}

/// <summary>A <see cref="StoredImage"/> decoded by OpenCV and held natively (<see cref="Torch.DecodedImage"/>).</summary>
internal sealed class HeldImage(Torch.DecodedImage decoded) : StoredImage
{
    public override int Height => decoded.Height;
    public override int Width => decoded.Width;
    public override int Channels => decoded.Channels;

    protected override void CropTo(int top, int left, int height, int width, Span<float> destination) =>
        decoded.CropToFloat(top, left, height, width, destination);

    public override void Dispose()
    {
        decoded.Dispose();
        base.Dispose();
    }
}

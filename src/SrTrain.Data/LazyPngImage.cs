using System.Buffers;
using SrTrain.Torch;

namespace SrTrain.Data;

/// <summary>A PNG held as its file bytes and decoded at the first crop, only down to that crop's bottom row
/// (<see cref="ImageCodec.TryDecodePngRows"/>): a PNG's rows are one compressed stream, so rows below a patch
/// need never be inflated. For BasicSR's 128px patches of 480px sub-images that skips a third of the decoding
/// on average. The pixels are those of a whole-image OpenCV decode (same libpng), and the undecoded rest of the
/// file is still checked for truncation and chunk CRC errors. A crop reaching the last row (or the whole image)
/// decodes with OpenCV. Owns a pooled buffer: dispose it.</summary>
internal sealed class LazyPngImage : StoredImage
{
    private readonly string path;
    private readonly PngHeader header;
    private readonly int length;
    private byte[]? bytes;
    private DecodedImage? decoded;   // the top decoded.Height rows (all of them after a whole decode)

    /// <param name="path">The file, named in errors.</param>
    /// <param name="bytes">Its contents, rented from <see cref="ArrayPool{T}.Shared"/>; returned on dispose.</param>
    /// <param name="length">Bytes of <paramref name="bytes"/> that hold the file.</param>
    /// <param name="header">Its parsed header (must be <see cref="PngHeader.RowDecodable"/>).</param>
    public LazyPngImage(string path, byte[] bytes, int length, PngHeader header)
    {
        if (!header.RowDecodable) throw new ArgumentException($"{path}: this PNG layout is decoded whole, not by rows", nameof(header));
        (this.path, this.bytes, this.length, this.header) = (path, bytes, length, header);
    }

    public override int Height => header.Height;
    public override int Width => header.Width;
    public override int Channels => 3;

    protected override void CropTo(int top, int left, int height, int width, Span<float> destination)
    {
        int rows = top + height;
        if (decoded is null || decoded.Height < rows)
        {
            decoded?.Dispose();
            decoded = null;
            decoded = Decode(rows);
        }
        decoded.CropToFloat(top, left, height, width, destination);
    }

    private DecodedImage Decode(int rows)
    {
        var data = (bytes ?? throw new ObjectDisposedException(path)).AsSpan(0, length);
        DecodedImage? image = null;
        try
        {
            image = rows < Height ? ImageCodec.TryDecodePngRows(data, rows, out _) : null;
            image ??= ImageCodec.DecodeHeld(data, ImageCodec.ModeRgb);
            if (image.Width != Width || (image.Height != rows && image.Height != Height))
                throw new ImageReadException(path, $"decoded {image.Height}x{image.Width}, but the PNG header says {Height}x{Width}");
            return image;
        }
        catch (TorchException e)
        {
            throw new ImageReadException(path, e.Message, e);
        }
        catch
        {
            image?.Dispose();
            throw;
        }
    }

    public override void Dispose()
    {
        decoded?.Dispose();
        decoded = null;
        var rented = Interlocked.Exchange(ref bytes, null);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        base.Dispose();
    }
}

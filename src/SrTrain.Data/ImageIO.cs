using System.Buffers;
using SrTrain.Torch;

namespace SrTrain.Data;

/// <summary>Reads and writes image files (PNG 8/16-bit, JPEG, WebP, BMP, TIFF) through OpenCV, as
/// <see cref="Image"/>s in [0, 1] (8-bit / 255, 16-bit / 65535, exactly BasicSR's float32 values).</summary>
public static class ImageIO
{
    /// <summary>File extensions that are treated as images when listing folders (lower case).</summary>
    public static readonly IReadOnlySet<string> Extensions =
        new HashSet<string>([".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".ppm", ".pgm"]);

    /// <summary>True when <paramref name="path"/> has an image extension.</summary>
    public static bool IsImageFile(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Decodes the file; a missing, corrupt or truncated file is an <see cref="ImageReadException"/>
    /// naming it.</summary>
    public static Image Read(string path, ImageReadMode mode = ImageReadMode.Rgb) => Read(path, mode, out _);

    /// <summary>Decodes the file and reports its stored bit depth (8, 16 or 32 for float).</summary>
    public static Image Read(string path, ImageReadMode mode, out int bits)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageReadException(path, e.Message, e);
        }
        return Decode(bytes, path, mode, out bits);
    }

    /// <summary>Decodes the file but keeps the pixels in their stored form, so a caller converts only the
    /// region it needs (<see cref="StoredImage.Crop"/>). The file is read into a pooled buffer: a training
    /// loader decodes thousands of files and would otherwise allocate each one's bytes on the large-object heap.
    /// RGB PNGs are decoded at the first crop, and only down to its bottom row (<see cref="LazyPngImage"/>),
    /// so a damaged PNG may throw from <see cref="StoredImage.Crop"/> rather than here; either way the
    /// <see cref="ImageReadException"/> names the file.</summary>
    public static StoredImage Open(string path, ImageReadMode mode = ImageReadMode.Rgb)
    {
        byte[]? buffer = null;
        try
        {
            int length;
            try
            {
                using var handle = File.OpenHandle(path);
                long size = RandomAccess.GetLength(handle);
                if (size > Array.MaxLength) throw new ImageReadException(path, $"the file is too large ({size} bytes)");
                buffer = ArrayPool<byte>.Shared.Rent(Math.Max((int)size, 1));
                length = 0;
                while (length < size)
                {
                    int n = RandomAccess.Read(handle, buffer.AsSpan(length, (int)size - length), length);
                    if (n == 0) break;
                    length += n;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ImageReadException(path, e.Message, e);
            }
            if (length == 0) throw new ImageReadException(path, "the file is empty");
            if (mode == ImageReadMode.Rgb && PngHeader.TryParse(buffer.AsSpan(0, length), out var png) && png.RowDecodable)
            {
                var lazy = new LazyPngImage(path, buffer, length, png);
                buffer = null;   // owned by the image now
                return lazy;
            }
            try
            {
                return new HeldImage(ImageCodec.DecodeHeld(buffer.AsSpan(0, length), (int)mode));
            }
            catch (TorchException e)
            {
                throw new ImageReadException(path, e.Message, e);
            }
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decodes an encoded image held in memory; <paramref name="name"/> is used in errors.</summary>
    public static Image Decode(ReadOnlySpan<byte> encoded, string name, ImageReadMode mode, out int bits)
    {
        if (encoded.Length == 0) throw new ImageReadException(name, "the file is empty");
        try
        {
            var data = ImageCodec.Decode(encoded, (int)mode, out int h, out int w, out int c, out bits);
            return new Image(h, w, c, data);
        }
        catch (TorchException e)
        {
            throw new ImageReadException(name, e.Message, e);
        }
    }

    /// <summary>Writes <paramref name="image"/> in the format of the path's extension, quantised like
    /// BasicSR's tensor2img (clamp to [0, 1], * 255, round half to even); <paramref name="bits"/> 16 writes
    /// PNG/TIFF with 65535 levels and is refused for JPEG/WebP/BMP. Creates the folder if needed.</summary>
    public static void Write(string path, Image image, int bits = 8, int quality = 95, int pngCompression = 3)
    {
        var ext = Path.GetExtension(path);
        if (string.IsNullOrEmpty(ext)) throw new ArgumentException($"{path}: no file extension to choose the image format");
        byte[] encoded;
        try
        {
            encoded = ImageCodec.Encode(ext, image.Data, image.Height, image.Width, image.Channels, bits, quality, pngCompression);
        }
        catch (TorchException e)
        {
            throw new IOException($"{path}: cannot write image: {e.Message}", e);
        }
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        // Write then rename, so an interrupted run never leaves a half-written image behind.
        var tmp = path + ".tmp" + Environment.CurrentManagedThreadId;
        File.WriteAllBytes(tmp, encoded);
        File.Move(tmp, path, overwrite: true);
    }
}

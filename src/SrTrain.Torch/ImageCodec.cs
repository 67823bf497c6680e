using System.Runtime.InteropServices;
using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

/// <summary>Image codecs of the native image library (libsrimage: OpenCV's codecs, or libpng alone in its PNG-only
/// build), on HWC float32 buffers in [0, 1] with RGB(A) channel order (OpenCV's BGR is swapped natively). SrTrain.Data's <c>ImageIO</c> builds on it; file
/// access stays in .NET so that I/O errors name the file.</summary>
public static class ImageCodec
{
    /// <summary>Channel handling of <see cref="Decode"/>: 0 RGB (gray replicated, alpha dropped, EXIF
    /// orientation applied as cv2.imread does), 1 RGBA (alpha kept, opaque added), 2 gray (OpenCV's
    /// IMREAD_GRAYSCALE), 3 as stored (RGB(A) order).</summary>
    public const int ModeRgb = 0, ModeRgba = 1, ModeGray = 2, ModeUnchanged = 3;

    /// <summary>Decodes an encoded image into a new HWC float32 array: 8-bit values / 255, 16-bit / 65535,
    /// float32 as stored; <paramref name="bits"/> tells which. Throws <see cref="TorchException"/> for data
    /// that is not a readable image.</summary>
    public static unsafe float[] Decode(ReadOnlySpan<byte> encoded, int mode, out int height, out int width,
                                        out int channels, out int bits)
    {
        nint img;
        fixed (byte* p = encoded)
            Native.CheckImage(Native.srt_image_decode(p, encoded.Length, mode, out img, out height, out width, out channels, out bits));
        try
        {
            var data = new float[(long)height * width * channels];
            fixed (float* d = data) Native.CheckImage(Native.srt_image_to_float(img, d, data.LongLength));
            return data;
        }
        finally
        {
            Native.srt_image_free(img);
        }
    }

    /// <summary>Decodes an encoded image and keeps it in OpenCV's stored form, so that only the region a
    /// caller needs is converted to float (<see cref="DecodedImage.CropToFloat"/>).</summary>
    public static unsafe DecodedImage DecodeHeld(ReadOnlySpan<byte> encoded, int mode)
    {
        nint img;
        int height, width, channels, bits;
        fixed (byte* p = encoded)
            Native.CheckImage(Native.srt_image_decode(p, encoded.Length, mode, out img, out height, out width, out channels, out bits));
        return new DecodedImage(img, height, width, channels, bits);
    }

    /// <summary>Decodes only rows [0, <paramref name="rows"/>) of a PNG (through libpng, which OpenCV decodes
    /// PNGs with: the values are those of <see cref="DecodeHeld"/> in <see cref="ModeRgb"/>), for a caller that
    /// crops a patch from the top part; the result's <see cref="DecodedImage.Height"/> is <paramref name="rows"/>
    /// and <paramref name="fullHeight"/> the image's. The rest of the file is still checked for truncation and
    /// chunk CRC errors. Returns null, with no error, for data this path does not take (not a PNG; palette,
    /// sub-8-bit, gray+alpha, interlaced, tRNS or EXIF PNGs): decode those with <see cref="DecodeHeld"/>.</summary>
    public static unsafe DecodedImage? TryDecodePngRows(ReadOnlySpan<byte> encoded, int rows, out int fullHeight)
    {
        nint img;
        int width, bits;
        fixed (byte* p = encoded)
            Native.CheckImage(Native.srt_png_decode_rows(p, encoded.Length, rows, out img, out fullHeight, out width, out bits));
        return img == 0 ? null : new DecodedImage(img, rows, width, 3, bits);
    }

    /// <summary>Encodes HWC float32 data in [0, 1] as the format named by <paramref name="extension"/>
    /// (".png", ".jpg", ".webp", ".bmp", ".tif"), quantised like BasicSR's tensor2img (clamp, * 255, round
    /// half to even). 16-bit output is refused for formats that cannot hold it.</summary>
    public static unsafe byte[] Encode(string extension, ReadOnlySpan<float> hwc, int height, int width, int channels,
                                       int bits = 8, int quality = 95, int compression = 3)
    {
        if (hwc.Length != (long)height * width * channels)
            throw new ArgumentException($"image data has {hwc.Length} values, {height}x{width}x{channels} needs {(long)height * width * channels}");
        nint buffer;
        long length;
        fixed (float* s = hwc)
            Native.CheckImage(Native.srt_image_encode(extension, s, height, width, channels, bits, quality, compression, out buffer, out length));
        try
        {
            return new ReadOnlySpan<byte>((void*)buffer, checked((int)length)).ToArray();
        }
        finally
        {
            Native.srt_image_buffer_free(buffer);
        }
    }
}

/// <summary>An image decoded by OpenCV and held natively in its stored form (8/16-bit or float32), not yet
/// converted to float; disposing frees it. Not thread-safe: one owner at a time.</summary>
public sealed class DecodedImage : IDisposable
{
    private nint handle;

    internal DecodedImage(nint handle, int height, int width, int channels, int bits) =>
        (this.handle, Height, Width, Channels, Bits) = (handle, height, width, channels, bits);

    public int Height { get; }
    public int Width { get; }

    /// <summary>Channels of the requested mode (3 for RGB).</summary>
    public int Channels { get; }

    /// <summary>Stored bits per value: 8, 16 or 32 (float).</summary>
    public int Bits { get; }

    /// <summary>Bytes per stored value (1, 2 or 4).</summary>
    public int BytesPerValue => Bits / 8;

    /// <summary>Writes rows [top, top+height) x columns [left, left+width) as HWC float32 RGB(A) in [0, 1]
    /// (8-bit / 255, 16-bit / 65535) into <paramref name="destination"/>.</summary>
    public unsafe void CropToFloat(int top, int left, int height, int width, Span<float> destination)
    {
        fixed (float* d = destination)
            Native.CheckImage(Codec.srt_image_crop_to_float(Handle, top, left, height, width, d, destination.Length));
    }

    /// <summary>Copies the stored values (RGB(A) order, <see cref="BytesPerValue"/> bytes each, native endianness)
    /// into <paramref name="destination"/>.</summary>
    public unsafe void CopyRaw(Span<byte> destination)
    {
        fixed (byte* d = destination) Native.CheckImage(Codec.srt_image_to_raw(Handle, d, destination.Length));
    }

    private nint Handle => handle != 0 ? handle : throw new ObjectDisposedException(nameof(DecodedImage));

    public void Dispose()
    {
        var h = Interlocked.Exchange(ref handle, 0);
        if (h != 0) Native.srt_image_free(h);
        GC.SuppressFinalize(this);
    }

    ~DecodedImage()
    {
        if (handle != 0) Native.srt_image_free(handle);
    }

    // The exports added for held images (next to Native.Image's decode/encode).
    private static unsafe class Codec
    {
        [DllImport(Native.ImageLib)] internal static extern int srt_image_crop_to_float(nint img, int top, int left, int h, int w, float* dst, long count);
        [DllImport(Native.ImageLib)] internal static extern int srt_image_to_raw(nint img, byte* dst, long bytes);
    }
}

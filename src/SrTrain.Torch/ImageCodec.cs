using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

/// <summary>OpenCV image codecs of the native shim, on HWC float32 buffers in [0, 1] with RGB(A)
/// channel order (OpenCV's BGR is swapped natively). SrTrain.Data's <c>ImageIO</c> builds on it; file
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
            Native.Check(Native.srt_image_decode(p, encoded.Length, mode, out img, out height, out width, out channels, out bits));
        try
        {
            var data = new float[(long)height * width * channels];
            fixed (float* d = data) Native.Check(Native.srt_image_to_float(img, d, data.LongLength));
            return data;
        }
        finally
        {
            Native.srt_image_free(img);
        }
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
            Native.Check(Native.srt_image_encode(extension, s, height, width, channels, bits, quality, compression, out buffer, out length));
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

using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

// The image library, libsrimage (native/image/): codecs through OpenCV (or libpng alone in its PNG-only build) and
// libpng's partial decode. It needs no libtorch, so it is a library of its own that can be built without it.
internal static unsafe partial class Native
{
    internal const string ImageLib = "srimage";

    [DllImport(ImageLib)] internal static extern nint srt_image_last_error();

    /// <summary>Throws the image library's error message when <paramref name="rc"/> signals failure.</summary>
    internal static void CheckImage(int rc)
    {
        if (rc != 0) throw new TorchException(Marshal.PtrToStringUTF8(srt_image_last_error()) ?? "unknown native image error");
    }

    [DllImport(ImageLib)] internal static extern int srt_image_decode(byte* data, long length, int mode, out nint img,
                                                                 out int height, out int width, out int channels, out int bits);
    [DllImport(ImageLib)] internal static extern int srt_image_to_float(nint img, float* dst, long count);
    [DllImport(ImageLib)] internal static extern void srt_image_free(nint img);
    [DllImport(ImageLib)] internal static extern int srt_image_encode([MarshalAs(UnmanagedType.LPUTF8Str)] string ext, float* src,
                                                                 int height, int width, int channels, int bits, int quality,
                                                                 int compression, out nint buffer, out long length);
    [DllImport(ImageLib)] internal static extern void srt_image_buffer_free(nint buffer);
    [DllImport(ImageLib)] internal static extern int srt_png_decode_rows(byte* data, long length, int rows, out nint img,
                                                                    out int height, out int width, out int bits);
}

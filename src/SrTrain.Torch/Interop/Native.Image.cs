using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

// Image codecs through OpenCV (native/src/image_io.cpp) and libpng's partial decode (native/src/png_rows.cpp).
internal static unsafe partial class Native
{
    [DllImport(Lib)] internal static extern int srt_image_decode(byte* data, long length, int mode, out nint img,
                                                                 out int height, out int width, out int channels, out int bits);
    [DllImport(Lib)] internal static extern int srt_image_to_float(nint img, float* dst, long count);
    [DllImport(Lib)] internal static extern void srt_image_free(nint img);
    [DllImport(Lib)] internal static extern int srt_image_encode([MarshalAs(UnmanagedType.LPUTF8Str)] string ext, float* src,
                                                                 int height, int width, int channels, int bits, int quality,
                                                                 int compression, out nint buffer, out long length);
    [DllImport(Lib)] internal static extern void srt_image_buffer_free(nint buffer);
    [DllImport(Lib)] internal static extern int srt_png_decode_rows(byte* data, long length, int rows, out nint img,
                                                                    out int height, out int width, out int bits);
}

using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

// serialization.cpp: raw byte access and storage identity for .pth / .safetensors I/O.
internal static unsafe partial class Native
{
    [DllImport(Lib)] internal static extern int srt_storage_info(TensorHandle a, out long nbytes, out long id);
    [DllImport(Lib)] internal static extern int srt_write_bytes(TensorHandle a, void* src, long offset, long nbytes);
    [DllImport(Lib)] internal static extern int srt_read_bytes(TensorHandle a, void* dst, long offset, long nbytes);
}

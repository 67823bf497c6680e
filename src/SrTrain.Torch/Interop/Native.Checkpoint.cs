using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

internal static unsafe partial class Native
{
    [DllImport(Lib)] internal static extern void srt_checkpoint_set_callbacks(delegate* unmanaged<nint, nint, nint, int> run,
                                                                              delegate* unmanaged<nint, void> release);
    [DllImport(Lib)] internal static extern void srt_set_error_message([MarshalAs(UnmanagedType.LPUTF8Str)] string message);
    [DllImport(Lib)] internal static extern int srt_tensor_assign(nint dst, TensorHandle src);
    [DllImport(Lib)] internal static extern int srt_checkpoint(nint block, TensorHandle input, nint* parameters, int nParameters, out nint result);
}

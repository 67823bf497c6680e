using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

/// <summary>P/Invoke declarations of the native shim (libsrtorch.so; image codecs: libsrimage.so, Native.Image.cs). Every export that can
/// fail returns 0 or -1; <see cref="Check"/> turns -1 into a <see cref="TorchException"/>.</summary>
internal static unsafe partial class Native
{
    internal const string Lib = "srtorch";

    [DllImport(Lib)] internal static extern nint srt_last_error();
    [DllImport(Lib)] internal static extern int srt_last_error_kind();
    [DllImport(Lib)] internal static extern nint srt_version();
    [DllImport(Lib)] internal static extern void srt_tensor_free(nint t);
    [DllImport(Lib)] internal static extern void srt_free_array(nint* array);

    [DllImport(Lib)] internal static extern int srt_set_num_threads(int n);
    [DllImport(Lib)] internal static extern int srt_get_num_threads();
    [DllImport(Lib)] internal static extern int srt_manual_seed(ulong seed);
    [DllImport(Lib)] internal static extern int srt_grad_enabled();
    [DllImport(Lib)] internal static extern void srt_set_grad_enabled(int enabled);
    [DllImport(Lib)] internal static extern int srt_cuda_available();
    [DllImport(Lib)] internal static extern int srt_cuda_device_count();
    [DllImport(Lib)] internal static extern int srt_cuda_bf16_supported();
    [DllImport(Lib)] internal static extern int srt_autocast_get(int deviceType, out int enabled, out int dtype);
    [DllImport(Lib)] internal static extern int srt_autocast_set(int deviceType, int enabled, int dtype);
    [DllImport(Lib)] internal static extern int srt_autocast_enter();
    [DllImport(Lib)] internal static extern int srt_autocast_exit();
    [DllImport(Lib)] internal static extern int srt_get_rng_state(out nint result);
    [DllImport(Lib)] internal static extern int srt_set_rng_state(TensorHandle state);
    [DllImport(Lib)] internal static extern int srt_cuda_get_rng_state(int index, out nint result);
    [DllImport(Lib)] internal static extern int srt_cuda_set_rng_state(int index, TensorHandle state);
    [DllImport(Lib)] internal static extern int srt_set_cudnn_flags(int benchmark, int deterministic);
    [DllImport(Lib)] internal static extern int srt_get_cudnn_flags(out int benchmark, out int deterministic);
    [DllImport(Lib)] internal static extern int srt_cuda_max_memory_allocated(int index, out long bytes);
    [DllImport(Lib)] internal static extern int srt_amp_unscale(nint* grads, int count, double invScale, out int foundInf);

    /// <summary>Throws the native error message when <paramref name="rc"/> signals failure: a
    /// <see cref="TorchOutOfMemoryException"/> when an allocation failed, else a <see cref="TorchException"/>.</summary>
    internal static void Check(int rc)
    {
        if (rc == 0) return;
        var message = Marshal.PtrToStringUTF8(srt_last_error()) ?? "unknown native error";
        if (srt_last_error_kind() == 1 || TorchOutOfMemoryException.IsOutOfMemory(message)) throw new TorchOutOfMemoryException(message);
        throw new TorchException(message);
    }
}

using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

// c10d process groups (native/src/distributed.cpp).
internal static unsafe partial class Native
{
    [DllImport(Lib)] internal static extern int srt_dist_available([MarshalAs(UnmanagedType.LPUTF8Str)] string backend);
    [DllImport(Lib)] internal static extern int srt_dist_init([MarshalAs(UnmanagedType.LPUTF8Str)] string host, int port, int rank, int world,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string backend, long timeoutMs, out nint group);
    [DllImport(Lib)] internal static extern void srt_dist_destroy(nint group);
    [DllImport(Lib)] internal static extern int srt_dist_all_reduce(nint group, nint* tensors, int count, int average, long bucketBytes);
    [DllImport(Lib)] internal static extern int srt_dist_broadcast(nint group, nint* tensors, int count, int root, long bucketBytes);
    [DllImport(Lib)] internal static extern int srt_dist_barrier(nint group);
    [DllImport(Lib)] internal static extern int srt_dist_all_gather(nint group, double* values, int count, double* output);
}

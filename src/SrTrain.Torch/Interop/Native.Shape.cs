using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

// Views, indexing, joining, splitting (native/src/tensor_shape.cpp).
internal static unsafe partial class Native
{
    [DllImport(Lib)] internal static extern int srt_reshape(TensorHandle a, long* shape, int n, out nint result);
    [DllImport(Lib)] internal static extern int srt_view(TensorHandle a, long* shape, int n, out nint result);
    [DllImport(Lib)] internal static extern int srt_permute(TensorHandle a, long* order, int n, out nint result);
    [DllImport(Lib)] internal static extern int srt_transpose(TensorHandle a, long d0, long d1, out nint result);
    [DllImport(Lib)] internal static extern int srt_flip(TensorHandle a, long* axes, int n, out nint result);
    [DllImport(Lib)] internal static extern int srt_rot90(TensorHandle a, long k, long d0, long d1, out nint result);
    [DllImport(Lib)] internal static extern int srt_squeeze(TensorHandle a, long dim, int all, out nint result);
    [DllImport(Lib)] internal static extern int srt_unsqueeze(TensorHandle a, long dim, out nint result);
    [DllImport(Lib)] internal static extern int srt_flatten(TensorHandle a, long start, long end, out nint result);
    [DllImport(Lib)] internal static extern int srt_expand(TensorHandle a, long* shape, int n, out nint result);
    [DllImport(Lib)] internal static extern int srt_repeat(TensorHandle a, long* reps, int n, out nint result);
    [DllImport(Lib)] internal static extern int srt_narrow(TensorHandle a, long dim, long start, long length, out nint result);
    [DllImport(Lib)] internal static extern int srt_slice(TensorHandle a, long dim, long start, long end, long step, out nint result);
    [DllImport(Lib)] internal static extern int srt_select(TensorHandle a, long dim, long index, out nint result);
    [DllImport(Lib)] internal static extern int srt_index_select(TensorHandle a, long dim, TensorHandle index, out nint result);
    [DllImport(Lib)] internal static extern int srt_masked_select(TensorHandle a, TensorHandle mask, out nint result);
    [DllImport(Lib)] internal static extern int srt_masked_fill(TensorHandle a, TensorHandle mask, double v, out nint result);
    [DllImport(Lib)] internal static extern int srt_gather(TensorHandle a, long dim, TensorHandle index, out nint result);
    [DllImport(Lib)] internal static extern int srt_cat(nint* list, int count, long dim, out nint result);
    [DllImport(Lib)] internal static extern int srt_stack(nint* list, int count, long dim, out nint result);
    [DllImport(Lib)] internal static extern int srt_split(TensorHandle a, long size, long dim, out nint* outs, out int count);
    [DllImport(Lib)] internal static extern int srt_split_sizes(TensorHandle a, long* sizes, int n, long dim, out nint* outs, out int count);
    [DllImport(Lib)] internal static extern int srt_chunk(TensorHandle a, long chunks, long dim, out nint* outs, out int count);
    [DllImport(Lib)] internal static extern int srt_copy_(TensorHandle a, TensorHandle src);
}

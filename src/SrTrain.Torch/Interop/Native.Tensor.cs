using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

// Creation, metadata, conversion (native/src/tensor_create.cpp).
internal static unsafe partial class Native
{
    [DllImport(Lib)] internal static extern int srt_from_data(void* data, long* shape, int ndim, int dtype, int dt, int di, out nint result);
    [DllImport(Lib)] internal static extern int srt_empty(long* shape, int ndim, int dtype, int dt, int di, out nint result);
    [DllImport(Lib)] internal static extern int srt_zeros(long* shape, int ndim, int dtype, int dt, int di, out nint result);
    [DllImport(Lib)] internal static extern int srt_ones(long* shape, int ndim, int dtype, int dt, int di, out nint result);
    [DllImport(Lib)] internal static extern int srt_full(long* shape, int ndim, double value, int dtype, int dt, int di, out nint result);
    [DllImport(Lib)] internal static extern int srt_rand(long* shape, int ndim, int dtype, int dt, int di, out nint result);
    [DllImport(Lib)] internal static extern int srt_randn(long* shape, int ndim, int dtype, int dt, int di, out nint result);
    [DllImport(Lib)] internal static extern int srt_randint(long low, long high, long* shape, int ndim, int dtype, int dt, int di, out nint result);
    [DllImport(Lib)] internal static extern int srt_randperm(long n, int dtype, int dt, int di, out nint result);
    [DllImport(Lib)] internal static extern int srt_arange(double start, double end, double step, int dtype, int dt, int di, out nint result);
    [DllImport(Lib)] internal static extern int srt_linspace(double start, double end, long steps, int dtype, int dt, int di, out nint result);
    [DllImport(Lib)] internal static extern int srt_zeros_like(TensorHandle a, out nint result);
    [DllImport(Lib)] internal static extern int srt_ones_like(TensorHandle a, out nint result);
    [DllImport(Lib)] internal static extern int srt_full_like(TensorHandle a, double v, out nint result);
    [DllImport(Lib)] internal static extern int srt_empty_like(TensorHandle a, out nint result);
    [DllImport(Lib)] internal static extern int srt_rand_like(TensorHandle a, out nint result);
    [DllImport(Lib)] internal static extern int srt_randn_like(TensorHandle a, out nint result);
    [DllImport(Lib)] internal static extern int srt_poisson(TensorHandle a, out nint result);
    [DllImport(Lib)] internal static extern int srt_as_strided(TensorHandle a, long* size, long* stride, int ndim, long offset, out nint result);
    [DllImport(Lib)] internal static extern int srt_copy_to_host(TensorHandle a, void* dst, long nbytes);
    [DllImport(Lib)] internal static extern int srt_item_double(TensorHandle a, out double value);
    [DllImport(Lib)] internal static extern int srt_item_int64(TensorHandle a, out long value);
    [DllImport(Lib)] internal static extern int srt_ndim(TensorHandle a);
    [DllImport(Lib)] internal static extern int srt_shape(TensorHandle a, long* dst);
    [DllImport(Lib)] internal static extern int srt_strides(TensorHandle a, long* dst);
    [DllImport(Lib)] internal static extern long srt_storage_offset(TensorHandle a);
    [DllImport(Lib)] internal static extern long srt_numel(TensorHandle a);
    [DllImport(Lib)] internal static extern int srt_dtype(TensorHandle a);
    [DllImport(Lib)] internal static extern int srt_device_type(TensorHandle a);
    [DllImport(Lib)] internal static extern int srt_device_index(TensorHandle a);
    [DllImport(Lib)] internal static extern int srt_is_contiguous(TensorHandle a, int channelsLast);
    [DllImport(Lib)] internal static extern int srt_same_storage(TensorHandle a, TensorHandle b);
    [DllImport(Lib)] internal static extern int srt_to(TensorHandle a, int dtype, int dt, int di, int copy, int nonBlocking, out nint result);
    [DllImport(Lib)] internal static extern int srt_is_pinned(TensorHandle a);
    [DllImport(Lib)] internal static extern int srt_pin_memory(TensorHandle a, out nint result);
    [DllImport(Lib)] internal static extern int srt_contiguous(TensorHandle a, int channelsLast, out nint result);
    [DllImport(Lib)] internal static extern int srt_clone(TensorHandle a, out nint result);
    [DllImport(Lib)] internal static extern int srt_detach(TensorHandle a, out nint result);
    [DllImport(Lib)] internal static extern int srt_alias(TensorHandle a, out nint result);

    // Autograd (native/src/autograd.cpp).
    [DllImport(Lib)] internal static extern int srt_requires_grad(TensorHandle a);
    [DllImport(Lib)] internal static extern int srt_set_requires_grad(TensorHandle a, int value);
    [DllImport(Lib)] internal static extern int srt_is_leaf(TensorHandle a);
    [DllImport(Lib)] internal static extern int srt_retain_grad(TensorHandle a);
    [DllImport(Lib)] internal static extern int srt_backward(TensorHandle a, TensorHandle gradient, int retainGraph, int createGraph);
    [DllImport(Lib)] internal static extern int srt_grad(TensorHandle a, out nint result);
    [DllImport(Lib)] internal static extern int srt_set_grad(TensorHandle a, TensorHandle grad);
    [DllImport(Lib)] internal static extern int srt_zero_grad(nint* parameters, int count, int setToNone);
    [DllImport(Lib)] internal static extern int srt_set_data(TensorHandle a, TensorHandle data);
    [DllImport(Lib)] internal static extern int srt_uniform_(TensorHandle a, double from, double to);
    [DllImport(Lib)] internal static extern int srt_normal_(TensorHandle a, double mean, double std);
}

using System.Runtime.InteropServices;

namespace SrTrain.Torch.Interop;

// Functional NN ops (native/src/nn_ops.cpp).
internal static unsafe partial class Native
{
    [DllImport(Lib)] internal static extern int srt_conv2d(TensorHandle x, TensorHandle w, TensorHandle b, long* stride, long* padding, long* dilation, long groups, out nint result);
    [DllImport(Lib)] internal static extern int srt_conv2d_winograd(TensorHandle x, TensorHandle w, TensorHandle b, long maxScratchpadBytes, out int used, out nint result);
    [DllImport(Lib)] internal static extern int srt_winograd_available(out int available);
    [DllImport(Lib)] internal static extern int srt_winograd_scratchpad_bytes(long n, long c, long k, long h, long w, out int available,
                                                                              out long forward, out long backwardData, out long backwardWeights);
    [DllImport(Lib)] internal static extern int srt_conv_transpose2d(TensorHandle x, TensorHandle w, TensorHandle b, long* stride, long* padding, long* output_padding, long groups, long* dilation, out nint result);
    [DllImport(Lib)] internal static extern int srt_linear(TensorHandle x, TensorHandle w, TensorHandle b, out nint result);
    [DllImport(Lib)] internal static extern int srt_relu(TensorHandle x, out nint result);
    [DllImport(Lib)] internal static extern int srt_relu_(TensorHandle x);
    [DllImport(Lib)] internal static extern int srt_leaky_relu(TensorHandle x, double slope, out nint result);
    [DllImport(Lib)] internal static extern int srt_leaky_relu_(TensorHandle x, double slope);
    [DllImport(Lib)] internal static extern int srt_prelu(TensorHandle x, TensorHandle w, out nint result);
    [DllImport(Lib)] internal static extern int srt_sigmoid(TensorHandle x, out nint result);
    [DllImport(Lib)] internal static extern int srt_tanh(TensorHandle x, out nint result);
    [DllImport(Lib)] internal static extern int srt_gelu(TensorHandle x, int tanh_approx, out nint result);
    [DllImport(Lib)] internal static extern int srt_softplus(TensorHandle x, double beta, double threshold, out nint result);
    [DllImport(Lib)] internal static extern int srt_softmax(TensorHandle x, long dim, out nint result);
    [DllImport(Lib)] internal static extern int srt_log_softmax(TensorHandle x, long dim, out nint result);
    [DllImport(Lib)] internal static extern int srt_batch_norm(TensorHandle x, TensorHandle w, TensorHandle b, TensorHandle running_mean, TensorHandle running_var, int training, double momentum, double eps, out nint result);
    [DllImport(Lib)] internal static extern int srt_pixel_shuffle(TensorHandle x, long r, out nint result);
    [DllImport(Lib)] internal static extern int srt_pixel_unshuffle(TensorHandle x, long r, out nint result);
    [DllImport(Lib)] internal static extern int srt_interpolate(TensorHandle x, int mode, long* size, double* scale, int align_corners, out nint result);
    [DllImport(Lib)] internal static extern int srt_avg_pool2d(TensorHandle x, long* k, long* s, long* p, int ceil_mode, int count_include_pad, out nint result);
    [DllImport(Lib)] internal static extern int srt_max_pool2d(TensorHandle x, long* k, long* s, long* p, long* d, int ceil_mode, out nint result);
    [DllImport(Lib)] internal static extern int srt_adaptive_avg_pool2d(TensorHandle x, long* size, out nint result);
    [DllImport(Lib)] internal static extern int srt_pad(TensorHandle x, long* pads, int n, int mode, double value, out nint result);
    [DllImport(Lib)] internal static extern int srt_dropout(TensorHandle x, double p, int train, out nint result);
    [DllImport(Lib)] internal static extern int srt_l1_loss(TensorHandle x, TensorHandle y, int reduction, out nint result);
    [DllImport(Lib)] internal static extern int srt_mse_loss(TensorHandle x, TensorHandle y, int reduction, out nint result);
    [DllImport(Lib)] internal static extern int srt_smooth_l1_loss(TensorHandle x, TensorHandle y, int reduction, double beta, out nint result);
    [DllImport(Lib)] internal static extern int srt_bce_with_logits(TensorHandle x, TensorHandle y, TensorHandle weight, TensorHandle pos_weight, int reduction, out nint result);
}

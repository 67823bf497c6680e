using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

/// <summary>Interpolation modes of <c>F.Interpolate</c> (by size or by scale factor).</summary>
public enum InterpolationMode { Nearest = 0, Bilinear = 1, Bicubic = 2 }

/// <summary>Padding modes of <see cref="F.Pad"/>.</summary>
public enum PaddingMode { Constant = 0, Reflect = 1, Replicate = 2, Circular = 3 }

/// <summary>Loss reductions (values of at::Reduction).</summary>
public enum Reduction { None = 0, Mean = 1, Sum = 2 }

/// <summary>Functional neural-network ops with autograd (PyTorch: torch.nn.functional).</summary>
public static unsafe class F
{
    private static TensorHandle Opt(Tensor? t) => t?.H ?? TensorHandle.Null;

    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0,
                                int dilation = 1, int groups = 1) =>
        Conv2d(input, weight, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding,
                                (int H, int W) dilation, int groups = 1)
    {
        long winogradLimit = ConvAlgorithm.WinogradScratchpadLimit;   // 0: off; one async-local read per convolution
        if (winogradLimit > 0 && stride == (1, 1) && padding == (1, 1) && dilation == (1, 1) && groups == 1)
        {
            // Applies only to float32 NCHW CPU input and a 3x3 kernel oneDNN has a Winograd kernel for; else libtorch's.
            int rc = Native.srt_conv2d_winograd(input.H, weight.H, Opt(bias), winogradLimit, out int used, out var w);
            if (rc != 0 || used != 0) return Tensor.Wrap(rc, w);
        }
        long* s = stackalloc long[] { stride.H, stride.W };
        long* p = stackalloc long[] { padding.H, padding.W };
        long* d = stackalloc long[] { dilation.H, dilation.W };
        return Tensor.Wrap(Native.srt_conv2d(input.H, weight.H, Opt(bias), s, p, d, groups, out var r), r);
    }

    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0,
                                         int outputPadding = 0, int groups = 1, int dilation = 1)
    {
        long* s = stackalloc long[] { stride, stride };
        long* p = stackalloc long[] { padding, padding };
        long* op = stackalloc long[] { outputPadding, outputPadding };
        long* d = stackalloc long[] { dilation, dilation };
        return Tensor.Wrap(Native.srt_conv_transpose2d(input.H, weight.H, Opt(bias), s, p, op, groups, d, out var r), r);
    }

    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) =>
        Tensor.Wrap(Native.srt_linear(input.H, weight.H, Opt(bias), out var r), r);

    public static Tensor Relu(Tensor x) => Tensor.Wrap(Native.srt_relu(x.H, out var r), r);
    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.01) => Tensor.Wrap(Native.srt_leaky_relu(x.H, negativeSlope, out var r), r);
    /// <summary>In-place LeakyReLU; returns <paramref name="x"/>.</summary>
    public static Tensor LeakyRelu_(Tensor x, double negativeSlope = 0.01) { Native.Check(Native.srt_leaky_relu_(x.H, negativeSlope)); return x; }
    public static Tensor Relu_(Tensor x) { Native.Check(Native.srt_relu_(x.H)); return x; }
    public static Tensor PRelu(Tensor x, Tensor weight) => Tensor.Wrap(Native.srt_prelu(x.H, weight.H, out var r), r);
    public static Tensor Sigmoid(Tensor x) => Tensor.Wrap(Native.srt_sigmoid(x.H, out var r), r);
    public static Tensor Tanh(Tensor x) => Tensor.Wrap(Native.srt_tanh(x.H, out var r), r);
    public static Tensor Gelu(Tensor x, bool tanhApproximation = false) => Tensor.Wrap(Native.srt_gelu(x.H, tanhApproximation ? 1 : 0, out var r), r);
    public static Tensor Softplus(Tensor x, double beta = 1, double threshold = 20) => Tensor.Wrap(Native.srt_softplus(x.H, beta, threshold, out var r), r);
    public static Tensor Softmax(Tensor x, long dim) => Tensor.Wrap(Native.srt_softmax(x.H, dim, out var r), r);
    public static Tensor LogSoftmax(Tensor x, long dim) => Tensor.Wrap(Native.srt_log_softmax(x.H, dim, out var r), r);

    /// <summary>Batch normalisation; in training mode the running statistics (if given) are updated in place.</summary>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
                                   bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        Tensor.Wrap(Native.srt_batch_norm(x.H, Opt(weight), Opt(bias), Opt(runningMean), Opt(runningVar), training ? 1 : 0,
                                          momentum, eps, out var r), r);

    /// <summary>(N, C*r*r, H, W) -> (N, C, H*r, W*r): the ESPCN sub-pixel rearrangement.</summary>
    public static Tensor PixelShuffle(Tensor x, int upscaleFactor) => Tensor.Wrap(Native.srt_pixel_shuffle(x.H, upscaleFactor, out var r), r);
    public static Tensor PixelUnshuffle(Tensor x, int downscaleFactor) => Tensor.Wrap(Native.srt_pixel_unshuffle(x.H, downscaleFactor, out var r), r);

    /// <summary>Resizes the spatial dims of an NCHW tensor to <paramref name="size"/> (PyTorch: F.interpolate(size=...)).</summary>
    public static Tensor Interpolate(Tensor x, (long H, long W) size, InterpolationMode mode = InterpolationMode.Nearest, bool alignCorners = false)
    {
        CheckAlignCorners(mode, alignCorners);
        long* s = stackalloc long[] { size.H, size.W };
        return Tensor.Wrap(Native.srt_interpolate(x.H, (int)mode, s, null, alignCorners ? 1 : 0, out var r), r);
    }

    /// <summary>Resizes by a scale factor (PyTorch: F.interpolate(scale_factor=..., recompute_scale_factor=None)).</summary>
    public static Tensor Interpolate(Tensor x, double scaleFactor, InterpolationMode mode = InterpolationMode.Nearest, bool alignCorners = false)
    {
        CheckAlignCorners(mode, alignCorners);
        // Like torch with recompute_scale_factor=None: the kernel receives the scale itself and
        // derives the output size as floor(size * scale).
        double* f = stackalloc double[] { scaleFactor, scaleFactor };
        return Tensor.Wrap(Native.srt_interpolate(x.H, (int)mode, null, f, alignCorners ? 1 : 0, out var r), r);
    }

    // As F.interpolate: align_corners only has a meaning for the interpolating modes.
    private static void CheckAlignCorners(InterpolationMode mode, bool alignCorners)
    {
        if (alignCorners && mode == InterpolationMode.Nearest)
            throw new ArgumentException("interpolate: alignCorners applies to Bilinear and Bicubic only, not Nearest", nameof(alignCorners));
    }

    public static Tensor AvgPool2d(Tensor x, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        int st = stride ?? kernelSize;
        long* k = stackalloc long[] { kernelSize, kernelSize };
        long* s = stackalloc long[] { st, st };
        long* p = stackalloc long[] { padding, padding };
        return Tensor.Wrap(Native.srt_avg_pool2d(x.H, k, s, p, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, out var r), r);
    }

    public static Tensor MaxPool2d(Tensor x, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
    {
        int st = stride ?? kernelSize;
        long* k = stackalloc long[] { kernelSize, kernelSize };
        long* s = stackalloc long[] { st, st };
        long* p = stackalloc long[] { padding, padding };
        long* d = stackalloc long[] { dilation, dilation };
        return Tensor.Wrap(Native.srt_max_pool2d(x.H, k, s, p, d, ceilMode ? 1 : 0, out var r), r);
    }

    public static Tensor AdaptiveAvgPool2d(Tensor x, (long H, long W) outputSize)
    {
        long* s = stackalloc long[] { outputSize.H, outputSize.W };
        return Tensor.Wrap(Native.srt_adaptive_avg_pool2d(x.H, s, out var r), r);
    }

    /// <summary>Pads the last dims; <paramref name="pads"/> is (left, right, top, bottom, ...) as in F.pad.</summary>
    public static Tensor Pad(Tensor x, long[] pads, PaddingMode mode = PaddingMode.Constant, double value = 0)
    {
        // As F.pad: a fill value means nothing to the other modes, so asking for one is a mistake.
        if (mode != PaddingMode.Constant && value != 0)
            throw new ArgumentException($"pad: mode {mode} takes no fill value (got {value}); use PaddingMode.Constant", nameof(value));
        fixed (long* p = pads) return Tensor.Wrap(Native.srt_pad(x.H, p, pads.Length, (int)mode, value, out var r), r);
    }

    public static Tensor Dropout(Tensor x, double p = 0.5, bool training = true) => Tensor.Wrap(Native.srt_dropout(x.H, p, training ? 1 : 0, out var r), r);

    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(Native.srt_l1_loss(input.H, target.H, (int)reduction, out var r), r);

    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(Native.srt_mse_loss(input.H, target.H, (int)reduction, out var r), r);

    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1) =>
        Tensor.Wrap(Native.srt_smooth_l1_loss(input.H, target.H, (int)reduction, beta, out var r), r);

    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null,
                                                      Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(Native.srt_bce_with_logits(input.H, target.H, Opt(weight), Opt(posWeight), (int)reduction, out var r), r);
}

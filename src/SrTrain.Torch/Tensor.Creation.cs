using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

// Factories (PyTorch: torch.tensor, zeros, ones, full, rand, randn, arange, empty, ...).
public sealed partial class Tensor
{
    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape
    /// (default: 1-D). The dtype follows <typeparamref name="T"/> (float -> Float32, long -> Int64, ...).</summary>
    public static unsafe Tensor From<T>(ReadOnlySpan<T> data, long[]? shape = null, Device? device = null) where T : unmanaged
    {
        shape ??= [data.Length];
        CheckCount(data.Length, shape);
        var d = device ?? Device.Cpu;
        fixed (T* p = data)
        fixed (long* s = shape)
            return Wrap(Native.srt_from_data(p, s, shape.Length, (int)DTypeOf<T>(), (int)d.Type, d.Index, out var r), r);
    }

    /// <summary>Array overload of <see cref="From{T}(ReadOnlySpan{T}, long[], Device?)"/>.</summary>
    public static Tensor From<T>(T[] data, long[]? shape = null, Device? device = null) where T : unmanaged =>
        From((ReadOnlySpan<T>)data, shape, device);

    /// <summary>A tensor over raw element bytes of <paramref name="dtype"/> (e.g. fp16/bf16 data from a file).</summary>
    public static unsafe Tensor FromBytes(ReadOnlySpan<byte> bytes, DType dtype, long[] shape, Device? device = null)
    {
        long count = 1;
        foreach (var s in shape) count *= s;
        if (count * dtype.ElementSize() != bytes.Length)
            throw new ArgumentException($"{bytes.Length} bytes do not hold a {dtype} tensor of shape [{string.Join(", ", shape)}]");
        var d = device ?? Device.Cpu;
        fixed (byte* p = bytes)
        fixed (long* s = shape)
            return Wrap(Native.srt_from_data(p, s, shape.Length, (int)dtype, (int)d.Type, d.Index, out var r), r);
    }

    /// <summary>A 0-dimensional tensor holding one value.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, Device? device = null) => Full([], value, dtype, device);

    private unsafe delegate int ShapeFactory(long* shape, int ndim, int dtype, int dt, int di, out nint result);

    private static unsafe Tensor Make(ShapeFactory factory, long[] shape, DType dtype, Device? device)
    {
        var d = device ?? Device.Cpu;
        fixed (long* s = shape)
            return Wrap(factory(s, shape.Length, (int)dtype, (int)d.Type, d.Index, out var r), r);
    }

    public static unsafe Tensor Empty(long[] shape, DType dtype = DType.Float32, Device? device = null) => Make(Native.srt_empty, shape, dtype, device);
    public static unsafe Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null) => Make(Native.srt_zeros, shape, dtype, device);
    public static unsafe Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null) => Make(Native.srt_ones, shape, dtype, device);
    /// <summary>Uniform samples in [0, 1) from the global generator (see <see cref="LibTorch.ManualSeed"/>).</summary>
    public static unsafe Tensor Rand(long[] shape, DType dtype = DType.Float32, Device? device = null) => Make(Native.srt_rand, shape, dtype, device);
    /// <summary>Standard normal samples from the global generator.</summary>
    public static unsafe Tensor Randn(long[] shape, DType dtype = DType.Float32, Device? device = null) => Make(Native.srt_randn, shape, dtype, device);

    public static unsafe Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* s = shape)
            return Wrap(Native.srt_full(s, shape.Length, value, (int)dtype, (int)d.Type, d.Index, out var r), r);
    }

    /// <summary>Integers uniformly drawn from [low, high).</summary>
    public static unsafe Tensor RandInt(long low, long high, long[] shape, DType dtype = DType.Int64, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* s = shape)
            return Wrap(Native.srt_randint(low, high, s, shape.Length, (int)dtype, (int)d.Type, d.Index, out var r), r);
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public static Tensor RandPerm(long n, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Wrap(Native.srt_randperm(n, (int)DType.Int64, (int)d.Type, d.Index, out var r), r);
    }

    /// <summary>Values from start (inclusive) to end (exclusive) by step.</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Wrap(Native.srt_arange(start, end, step, (int)dtype, (int)d.Type, d.Index, out var r), r);
    }

    /// <summary>0, 1, ..., end-1.</summary>
    public static Tensor Arange(long end, DType dtype = DType.Int64, Device? device = null) => Arange(0, end, 1, dtype, device);

    public static Tensor Linspace(double start, double end, long steps, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Wrap(Native.srt_linspace(start, end, steps, (int)dtype, (int)d.Type, d.Index, out var r), r);
    }

    public Tensor ZerosLike() => Wrap(Native.srt_zeros_like(H, out var r), r);
    public Tensor OnesLike() => Wrap(Native.srt_ones_like(H, out var r), r);
    public Tensor FullLike(double value) => Wrap(Native.srt_full_like(H, value, out var r), r);
    public Tensor EmptyLike() => Wrap(Native.srt_empty_like(H, out var r), r);
    public Tensor RandLike() => Wrap(Native.srt_rand_like(H, out var r), r);
    public Tensor RandnLike() => Wrap(Native.srt_randn_like(H, out var r), r);

    /// <summary>Poisson samples whose rates are this tensor's elements (torch.poisson), from the global generator.</summary>
    public Tensor Poisson() => Wrap(Native.srt_poisson(H, out var r), r);

    /// <summary>A view with explicit sizes, strides and storage offset (PyTorch: as_strided).</summary>
    public unsafe Tensor AsStrided(long[] size, long[] stride, long storageOffset = 0)
    {
        if (size.Length != stride.Length) throw new ArgumentException("as_strided: size and stride differ in length");
        fixed (long* sz = size)
        fixed (long* st = stride)
            return Wrap(Native.srt_as_strided(H, sz, st, size.Length, storageOffset, out var r), r);
    }

    /// <summary>Converts dtype and/or device (PyTorch: to). Returns a new handle even when nothing changes.
    /// <paramref name="nonBlocking"/> (PyTorch: non_blocking) lets a copy from pinned host memory to a CUDA device run
    /// asynchronously; elsewhere it has no effect.</summary>
    public Tensor To(DType dtype, Device device, bool copy = false, bool nonBlocking = false) =>
        Wrap(Native.srt_to(H, (int)dtype, (int)device.Type, device.Index, copy ? 1 : 0, nonBlocking ? 1 : 0, out var r), r);

    public Tensor To(DType dtype) => To(dtype, Device);
    public Tensor To(Device device) => To(DType, device);

    /// <summary>Page-locked copy for fast host-to-GPU transfer (needs CUDA).</summary>
    public Tensor PinMemory() => Wrap(Native.srt_pin_memory(H, out var r), r);

    /// <summary>True when this tensor lives in page-locked host memory (PyTorch: is_pinned); false without CUDA.</summary>
    public bool IsPinned => Native.srt_is_pinned(H) != 0;

    /// <summary>The same values laid out in <paramref name="format"/>.</summary>
    public Tensor Contiguous(MemoryFormat format = MemoryFormat.Contiguous) =>
        Wrap(Native.srt_contiguous(H, format == MemoryFormat.ChannelsLast ? 1 : 0, out var r), r);

    public Tensor Clone() => Wrap(Native.srt_clone(H, out var r), r);

    /// <summary>Same data, cut from the autograd graph.</summary>
    public Tensor Detach() => Wrap(Native.srt_detach(H, out var r), r);

    /// <summary>A second handle to the same tensor (same storage and autograd identity); disposing
    /// one handle does not free the other.</summary>
    public Tensor Alias() => Wrap(Native.srt_alias(H, out var r), r);

    private static void CheckCount(long count, long[] shape)
    {
        long expected = 1;
        foreach (var s in shape) expected *= s;
        if (expected != count)
            throw new ArgumentException($"{count} values do not fill shape [{string.Join(", ", shape)}] ({expected} elements)");
    }
}

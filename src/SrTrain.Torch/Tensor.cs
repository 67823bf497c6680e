using System.Runtime.InteropServices;
using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

/// <summary>A libtorch tensor (PyTorch: torch.Tensor). Owns one native handle; created inside a
/// <see cref="DisposeScope"/> it is freed when the scope ends, otherwise by <see cref="Dispose"/>
/// (the handle's finalizer is only a safety net).</summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle handle;

    internal Tensor(nint raw)
    {
        handle = new TensorHandle(raw);
        DisposeScope.Current?.Add(this);
    }

    /// <summary>The scope that will dispose this tensor, if any.</summary>
    internal DisposeScope? Scope { get; set; }

    internal TensorHandle H =>
        handle.IsClosed ? throw new ObjectDisposedException(nameof(Tensor), "the tensor was disposed (by its DisposeScope or Dispose)") : handle;

    /// <summary>Raw native pointer, for calls that take arrays of tensors (keep the tensors alive).</summary>
    internal nint Raw => H.DangerousGetHandle();

    /// <summary>True once the native tensor has been freed.</summary>
    public bool IsDisposed => handle.IsClosed;

    /// <summary>Frees the native tensor now.</summary>
    public void Dispose()
    {
        Scope = null;
        handle.Dispose();
    }

    /// <summary>Hands this tensor to the scope outside its current one (or to no scope).</summary>
    public Tensor MoveToOuterScope()
    {
        var outer = Scope?.Outer;
        Scope = null;
        outer?.Add(this);
        return this;
    }

    /// <summary>Takes this tensor out of every scope: the caller now disposes it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope = null;
        return this;
    }

    /// <summary>Wraps a result handle after checking the return code.</summary>
    internal static Tensor Wrap(int rc, nint result)
    {
        Native.Check(rc);
        return new Tensor(result);
    }

    internal static Tensor? WrapNullable(int rc, nint result)
    {
        Native.Check(rc);
        return result == 0 ? null : new Tensor(result);
    }

    internal static unsafe Tensor[] WrapList(int rc, nint* list, int count)
    {
        Native.Check(rc);
        try
        {
            var parts = new Tensor[count];
            for (int i = 0; i < count; i++) parts[i] = new Tensor(list[i]);
            return parts;
        }
        finally
        {
            Native.srt_free_array(list);
        }
    }

    /// <summary>Number of dimensions.</summary>
    public int Dim => Native.srt_ndim(H);

    /// <summary>Sizes of each dimension (PyTorch: shape / size()).</summary>
    public unsafe long[] Shape
    {
        get
        {
            var shape = new long[Dim];
            fixed (long* p = shape) Native.Check(Native.srt_shape(H, p));
            return shape;
        }
    }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(int dim)
    {
        var shape = Shape;
        return shape[dim < 0 ? dim + shape.Length : dim];
    }

    /// <summary>Element strides of each dimension.</summary>
    public unsafe long[] Strides
    {
        get
        {
            var strides = new long[Dim];
            fixed (long* p = strides) Native.Check(Native.srt_strides(H, p));
            return strides;
        }
    }

    /// <summary>Offset of the first element in the underlying storage, in elements.</summary>
    public long StorageOffset => Native.srt_storage_offset(H);

    /// <summary>Total number of elements.</summary>
    public long NumEl => Native.srt_numel(H);

    /// <summary>Element type.</summary>
    public DType DType => (DType)Native.srt_dtype(H);

    /// <summary>The device holding the data.</summary>
    public Device Device => new((DeviceType)Native.srt_device_type(H), Native.srt_device_index(H));

    /// <summary>True when the elements are laid out in the given memory format.</summary>
    public bool IsContiguous(MemoryFormat format = MemoryFormat.Contiguous) =>
        Native.srt_is_contiguous(H, format == MemoryFormat.ChannelsLast ? 1 : 0) != 0;

    /// <summary>True when both tensors view the same storage.</summary>
    public bool SharesStorageWith(Tensor other) => Native.srt_same_storage(H, other.H) != 0;

    /// <summary>The single value of a one-element tensor as a double (PyTorch: item()).</summary>
    public double Item()
    {
        Native.Check(Native.srt_item_double(H, out var v));
        return v;
    }

    /// <summary>The single value of a one-element tensor as a float.</summary>
    public float ToSingle() => (float)Item();

    /// <summary>The single value of a one-element integer tensor.</summary>
    public long ItemInt64()
    {
        Native.Check(Native.srt_item_int64(H, out var v));
        return v;
    }

    /// <summary>Copies the elements (row-major, converted to <typeparamref name="T"/>'s dtype) to a new array.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var dtype = DTypeOf<T>();
        using var converted = DType == dtype && Device.Type == DeviceType.Cpu ? null : To(dtype, Device.Cpu).DetachFromDisposeScope();
        var source = converted ?? this;
        var result = new T[source.NumEl];
        fixed (T* p = result)
            Native.Check(Native.srt_copy_to_host(source.H, p, (long)result.Length * sizeof(T)));
        return result;
    }

    /// <summary>Copies the raw bytes of the elements (row-major, current dtype) to a new array.</summary>
    public unsafe byte[] ToBytes()
    {
        var bytes = new byte[NumEl * DType.ElementSize()];
        fixed (byte* p = bytes) Native.Check(Native.srt_copy_to_host(H, p, bytes.Length));
        return bytes;
    }

    /// <summary>The <see cref="DType"/> that a .NET element type maps to.</summary>
    public static DType DTypeOf<T>() where T : unmanaged => typeof(T) switch
    {
        var t when t == typeof(float) => DType.Float32,
        var t when t == typeof(double) => DType.Float64,
        var t when t == typeof(Half) => DType.Float16,
        var t when t == typeof(long) => DType.Int64,
        var t when t == typeof(int) => DType.Int32,
        var t when t == typeof(short) => DType.Int16,
        var t when t == typeof(byte) => DType.UInt8,
        var t when t == typeof(sbyte) => DType.Int8,
        var t when t == typeof(bool) => DType.Bool,
        _ => throw new NotSupportedException($"no tensor dtype for {typeof(T).Name}"),
    };

    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor(shape=[{string.Join(", ", Shape)}], dtype={DType}, device={Device})";
}

using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

// Views, indexing, joining and splitting.
public sealed partial class Tensor
{
    public unsafe Tensor Reshape(params long[] shape)
    {
        fixed (long* p = shape) return Wrap(Native.srt_reshape(H, p, shape.Length, out var r), r);
    }

    /// <summary>A view with a new shape; fails when the strides do not allow it (use Reshape).</summary>
    public unsafe Tensor View(params long[] shape)
    {
        fixed (long* p = shape) return Wrap(Native.srt_view(H, p, shape.Length, out var r), r);
    }

    public unsafe Tensor Permute(params long[] order)
    {
        fixed (long* p = order) return Wrap(Native.srt_permute(H, p, order.Length, out var r), r);
    }

    public Tensor Transpose(long dim0, long dim1) => Wrap(Native.srt_transpose(H, dim0, dim1, out var r), r);

    /// <summary>Matrix transpose of a 2-D tensor (PyTorch: t()).</summary>
    public Tensor T() => Wrap(Native.srt_t(H, out var r), r);

    public unsafe Tensor Flip(params long[] dims)
    {
        fixed (long* p = dims) return Wrap(Native.srt_flip(H, p, dims.Length, out var r), r);
    }

    /// <summary>Rotates by 90 degrees k times in the plane of dims (d0, d1), as torch.rot90.</summary>
    public Tensor Rot90(long k = 1, long dim0 = -2, long dim1 = -1) => Wrap(Native.srt_rot90(H, k, dim0, dim1, out var r), r);

    public Tensor Squeeze() => Wrap(Native.srt_squeeze(H, 0, 1, out var r), r);
    public Tensor Squeeze(long dim) => Wrap(Native.srt_squeeze(H, dim, 0, out var r), r);
    public Tensor Unsqueeze(long dim) => Wrap(Native.srt_unsqueeze(H, dim, out var r), r);
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(Native.srt_flatten(H, startDim, endDim, out var r), r);

    public unsafe Tensor Expand(params long[] shape)
    {
        fixed (long* p = shape) return Wrap(Native.srt_expand(H, p, shape.Length, out var r), r);
    }

    public unsafe Tensor Repeat(params long[] repeats)
    {
        fixed (long* p = repeats) return Wrap(Native.srt_repeat(H, p, repeats.Length, out var r), r);
    }

    /// <summary>A view of <paramref name="length"/> elements of <paramref name="dim"/> from <paramref name="start"/>.</summary>
    public Tensor Narrow(long dim, long start, long length) => Wrap(Native.srt_narrow(H, dim, start, length, out var r), r);

    /// <summary>A strided view [start, end) of one dim (PyTorch: x[..., start:end:step]).</summary>
    public Tensor Slice(long dim, long start, long end, long step = 1) => Wrap(Native.srt_slice(H, dim, start, end, step, out var r), r);

    /// <summary>The sub-tensor at <paramref name="index"/> of <paramref name="dim"/>, that dim removed.</summary>
    public Tensor Select(long dim, long index) => Wrap(Native.srt_select(H, dim, index, out var r), r);

    public Tensor IndexSelect(long dim, Tensor index) => Wrap(Native.srt_index_select(H, dim, index.H, out var r), r);
    public Tensor MaskedSelect(Tensor mask) => Wrap(Native.srt_masked_select(H, mask.H, out var r), r);
    public Tensor MaskedFill(Tensor mask, double value) => Wrap(Native.srt_masked_fill(H, mask.H, value, out var r), r);
    public Tensor Gather(long dim, Tensor index) => Wrap(Native.srt_gather(H, dim, index.H, out var r), r);

    /// <summary>Indexing along dim 0 with an integer (x[i]).</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[long index] => Select(0, index);

    /// <summary>Indexing dim 0 with a range (x[a..b]); open ends and ^ indices work as in C#.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Range range] => this[range, 0];

    /// <summary>Indexing one dim with a range.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Range range, int dim]
    {
        get
        {
            long size = Size(dim);
            var (offset, length) = range.GetOffsetAndLength(checked((int)size));
            return Narrow(dim, offset, length);
        }
    }

    /// <summary>Indexing several leading dims with ranges (x[a..b, c..d]).</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[params Range[] ranges]
    {
        get
        {
            var result = this;
            for (int d = 0; d < ranges.Length; d++)
            {
                var next = result[ranges[d], d];
                // The intermediate views are ours alone: free them now rather than leave them to
                // the finalizer when no dispose scope is open.
                if (!ReferenceEquals(result, this)) result.Dispose();
                result = next;
            }
            return ReferenceEquals(result, this) ? Alias() : result;
        }
    }

    public static unsafe Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var raw = Raws(tensors);
        fixed (nint* p = raw)
        {
            var result = Wrap(Native.srt_cat(p, raw.Length, dim, out var r), r);
            GC.KeepAlive(tensors);
            return result;
        }
    }

    public static unsafe Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var raw = Raws(tensors);
        fixed (nint* p = raw)
        {
            var result = Wrap(Native.srt_stack(p, raw.Length, dim, out var r), r);
            GC.KeepAlive(tensors);
            return result;
        }
    }

    /// <summary>Splits into pieces of <paramref name="splitSize"/> along dim (the last may be smaller).</summary>
    public unsafe Tensor[] Split(long splitSize, long dim = 0) => WrapList(Native.srt_split(H, splitSize, dim, out var p, out var n), p, n);

    public unsafe Tensor[] Split(long[] sizes, long dim = 0)
    {
        fixed (long* s = sizes) return WrapList(Native.srt_split_sizes(H, s, sizes.Length, dim, out var p, out var n), p, n);
    }

    public unsafe Tensor[] Chunk(long chunks, long dim = 0) => WrapList(Native.srt_chunk(H, chunks, dim, out var p, out var n), p, n);

    /// <summary>Copies <paramref name="source"/> into this tensor in place (broadcasting), e.g. into a slice view.</summary>
    public Tensor CopyFrom(Tensor source)
    {
        Native.Check(Native.srt_copy_(H, source.H));
        return this;
    }

    internal static nint[] Raws(IReadOnlyList<Tensor> tensors)
    {
        var raw = new nint[tensors.Count];
        for (int i = 0; i < raw.Length; i++) raw[i] = tensors[i].Raw;
        return raw;
    }
}

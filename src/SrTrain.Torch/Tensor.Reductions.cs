using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

// Reductions over all elements or chosen dims.
public sealed partial class Tensor
{
    public Tensor Sum() => Wrap(Native.srt_sum_all(H, out var r), r);
    public Tensor Mean() => Wrap(Native.srt_mean_all(H, out var r), r);
    public Tensor Max() => Wrap(Native.srt_max_all(H, out var r), r);
    public Tensor Min() => Wrap(Native.srt_min_all(H, out var r), r);
    public Tensor Any() => Wrap(Native.srt_any_all(H, out var r), r);
    public Tensor All() => Wrap(Native.srt_all_all(H, out var r), r);
    /// <summary>Standard deviation; unbiased (N-1) by default as torch.std.</summary>
    public Tensor Std(bool unbiased = true) => Wrap(Native.srt_std_all(H, unbiased ? 1 : 0, out var r), r);
    public Tensor Var(bool unbiased = true) => Wrap(Native.srt_var_all(H, unbiased ? 1 : 0, out var r), r);
    public Tensor Norm(double p = 2) => Wrap(Native.srt_norm_all(H, p, out var r), r);

    public unsafe Tensor Sum(long[] dims, bool keepDim = false)
    {
        fixed (long* p = dims) return Wrap(Native.srt_sum_dims(H, p, dims.Length, keepDim ? 1 : 0, out var r), r);
    }

    public unsafe Tensor Mean(long[] dims, bool keepDim = false)
    {
        fixed (long* p = dims) return Wrap(Native.srt_mean_dims(H, p, dims.Length, keepDim ? 1 : 0, out var r), r);
    }

    public unsafe Tensor Std(long[] dims, bool unbiased = true, bool keepDim = false)
    {
        fixed (long* p = dims) return Wrap(Native.srt_std_dims(H, p, dims.Length, unbiased ? 1 : 0, keepDim ? 1 : 0, out var r), r);
    }

    public unsafe Tensor Var(long[] dims, bool unbiased = true, bool keepDim = false)
    {
        fixed (long* p = dims) return Wrap(Native.srt_var_dims(H, p, dims.Length, unbiased ? 1 : 0, keepDim ? 1 : 0, out var r), r);
    }

    /// <summary>Maximum along one dim: values and their indices.</summary>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false)
    {
        Native.Check(Native.srt_max_dim(H, dim, keepDim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false)
    {
        Native.Check(Native.srt_min_dim(H, dim, keepDim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    public Tensor ArgMax(long dim, bool keepDim = false) => Wrap(Native.srt_argmax(H, dim, keepDim ? 1 : 0, out var r), r);
}

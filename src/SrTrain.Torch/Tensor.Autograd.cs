using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

// Autograd: requires_grad, backward, grad.
public sealed partial class Tensor
{
    /// <summary>Whether autograd records operations on this tensor.</summary>
    public bool RequiresGrad
    {
        get => Native.srt_requires_grad(H) != 0;
        set => Native.Check(Native.srt_set_requires_grad(H, value ? 1 : 0));
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this (PyTorch: requires_grad_()).</summary>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    public bool IsLeaf => Native.srt_is_leaf(H) != 0;

    /// <summary>Keeps the gradient of a non-leaf tensor after backward.</summary>
    public void RetainGrad() => Native.Check(Native.srt_retain_grad(H));

    /// <summary>Accumulates gradients of this tensor into the leaves (a scalar needs no gradient argument).</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        Native.Check(Native.srt_backward(H, gradient?.H ?? TensorHandle.Null, retainGraph ? 1 : 0, createGraph ? 1 : 0));

    /// <summary>The accumulated gradient (a new handle to it), or null before any backward.</summary>
    public Tensor? Grad
    {
        get => WrapNullable(Native.srt_grad(H, out var r), r);
        set => Native.Check(Native.srt_set_grad(H, value?.H ?? TensorHandle.Null));
    }

    /// <summary>Zeroes (or drops) the gradients of many tensors in one native call.</summary>
    public static unsafe void ZeroGrad(IReadOnlyList<Tensor> tensors, bool setToNone = false)
    {
        var raw = Raws(tensors);
        fixed (nint* p = raw) Native.Check(Native.srt_zero_grad(p, raw.Length, setToNone ? 1 : 0));
        GC.KeepAlive(tensors);
    }

    /// <summary>Replaces this tensor's data with <paramref name="data"/>'s, keeping this object, its
    /// requires_grad flag and every reference to it (PyTorch: param.data = ...).</summary>
    public void SetData(Tensor data) => Native.Check(Native.srt_set_data(H, data.H));

    /// <summary>Fills in place with U(from, to) from the global generator (PyTorch: uniform_).</summary>
    public Tensor Uniform_(double from = 0, double to = 1) { Native.Check(Native.srt_uniform_(H, from, to)); return this; }

    /// <summary>Fills in place with N(mean, std^2) from the global generator (PyTorch: normal_).</summary>
    public Tensor Normal_(double mean = 0, double std = 1) { Native.Check(Native.srt_normal_(H, mean, std)); return this; }
}

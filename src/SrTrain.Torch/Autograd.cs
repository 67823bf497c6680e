using SrTrain.Torch.Interop;

namespace SrTrain.Torch;

/// <summary>Functional autograd (PyTorch: torch.autograd).</summary>
public static class Autograd
{
    /// <summary>Gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, returned
    /// instead of accumulated into <c>.Grad</c> (PyTorch: torch.autograd.grad). <paramref name="gradOutputs"/>
    /// may be null when every output is a scalar. With <paramref name="createGraph"/> the gradients are
    /// differentiable (gradient penalties). An entry is null for an unused input when
    /// <paramref name="allowUnused"/>; <paramref name="retainGraph"/> null means "= createGraph", as torch.</summary>
    public static unsafe Tensor?[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? gradOutputs = null,
                                        bool? retainGraph = null, bool createGraph = false, bool allowUnused = false)
    {
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
            throw new ArgumentException($"autograd.grad: {gradOutputs.Count} grad_outputs for {outputs.Count} outputs");
        var outs = Tensor.Raws(outputs);
        var ins = Tensor.Raws(inputs);
        var grads = gradOutputs?.Select(g => g?.Raw ?? 0).ToArray();
        var results = new nint[inputs.Count];
        fixed (nint* o = outs)
        fixed (nint* i = ins)
        fixed (nint* g = grads)
        fixed (nint* r = results)
        {
            Native.Check(Native.srt_autograd_grad(o, outs.Length, g, i, ins.Length, retainGraph is null ? -1 : retainGraph.Value ? 1 : 0,
                                                  createGraph ? 1 : 0, allowUnused ? 1 : 0, r));
        }
        GC.KeepAlive(outputs);
        GC.KeepAlive(inputs);
        GC.KeepAlive(gradOutputs);
        return results.Select(p => p == 0 ? null : new Tensor(p)).ToArray();
    }

    /// <summary>Gradient of one output with respect to one input (see <see cref="Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool?, bool, bool)"/>).</summary>
    public static Tensor Grad(Tensor output, Tensor input, Tensor? gradOutput = null, bool? retainGraph = null, bool createGraph = false) =>
        Grad([output], [input], gradOutput is null ? null : [gradOutput], retainGraph, createGraph)[0]
        ?? throw new InvalidOperationException("autograd.grad: the output does not depend on the input");
}

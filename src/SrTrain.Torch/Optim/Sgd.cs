using System.Collections;
using SrTrain.Torch.Interop;

namespace SrTrain.Torch.Optim;

/// <summary>Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight
/// decay (PyTorch: torch.optim.SGD); matches torch 1.13 (foreach=False) step for step, bit for
/// bit, in one native call per step over all parameters.</summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor?[] momentumBuffer;
    private readonly bool[] hasState;
    private readonly SgdGroup[] sgdGroups;

    /// <summary>One parameter group (torch requires lr for SGD, so it has no default).</summary>
    public Sgd(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
               double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this([new SgdGroup(parameters, lr, momentum, dampening, weightDecay, nesterov, maximize)]) { }

    /// <summary>Several parameter groups, each with its own hyper-parameters.</summary>
    public Sgd(IEnumerable<SgdGroup> groups) : base(groups)
    {
        momentumBuffer = new Tensor?[Parameters.Count];
        hasState = new bool[Parameters.Count];
        sgdGroups = base.ParamGroups.Cast<SgdGroup>().ToArray();
    }

    /// <summary>The parameter groups with their SGD hyper-parameters.</summary>
    public new IReadOnlyList<SgdGroup> ParamGroups => sgdGroups;

    public override unsafe void Step()
    {
        ThrowIfDisposed();
        int n = Parameters.Count;
        var raw = Tensor.Raws(Parameters);
        var buffers = new nint[n];
        var hyper = new double[4 * n];
        var flags = new int[n];
        var stepped = new byte[n];
        for (int i = 0; i < n; i++)
        {
            var g = (SgdGroup)GroupOf(i);
            buffers[i] = momentumBuffer[i]?.Raw ?? 0;
            (hyper[4 * i], hyper[4 * i + 1], hyper[4 * i + 2], hyper[4 * i + 3]) = (g.Lr, g.Momentum, g.Dampening, g.WeightDecay);
            flags[i] = (g.Nesterov ? Native.OptimNesterov : 0) | (g.Maximize ? Native.OptimMaximize : 0);
        }
        int rc;
        fixed (nint* pp = raw, pb = buffers)
        fixed (double* ph = hyper)
        fixed (int* pf = flags)
        fixed (byte* ps = stepped)
            rc = Native.srt_sgd_step(pp, n, pb, ph, pf, ps);
        // Adopt buffers created natively even if the call failed part way, so nothing leaks.
        for (int i = 0; i < n; i++)
        {
            if (momentumBuffer[i] is null && buffers[i] != 0) momentumBuffer[i] = new Tensor(buffers[i]).DetachFromDisposeScope();
            // torch records a state entry (momentum_buffer possibly None) for every stepped parameter.
            if (stepped[i] != 0) hasState[i] = true;
        }
        GC.KeepAlive(Parameters);
        GC.KeepAlive(momentumBuffer);
        Native.Check(rc);
    }

    protected override Dictionary<string, object?>? ParameterStateToDict(int index) =>
        hasState[index] ? new Dictionary<string, object?> { ["momentum_buffer"] = momentumBuffer[index]?.Alias() } : null;

    private sealed record State(Tensor? MomentumBuffer) : IDisposable
    {
        public void Dispose() => MomentumBuffer?.Dispose();
    }

    protected override IDisposable ReadParameterState(int index, IDictionary entry, string path)
    {
        var value = StateTree.Has(entry, "momentum_buffer") ? entry["momentum_buffer"] : null;
        return new State(value is null ? null : LoadStateTensor(value, Parameters[index], $"{path}.momentum_buffer"));
    }

    protected override void SetParameterState(int index, IDisposable state)
    {
        momentumBuffer[index] = ((State)state).MomentumBuffer;
        hasState[index] = true;
    }

    protected override void ClearState()
    {
        for (int i = 0; i < momentumBuffer.Length; i++)
        {
            momentumBuffer[i]?.Dispose();
            (momentumBuffer[i], hasState[i]) = (null, false);
        }
    }
}

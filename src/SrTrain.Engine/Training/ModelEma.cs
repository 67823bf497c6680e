using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Engine.Training;

/// <summary>Exponential moving average of a network's parameters (BasicSR's model_ema):
/// ema = decay * ema + (1 - decay) * param after every step. Buffers (batch-norm running statistics)
/// are copied from the live network — BasicSR leaves them at their initial values, which breaks
/// params_ema of any generator with batch norm (SRResNet, SRGAN).</summary>
public sealed class ModelEma(Module net, Module ema, double decay)
{
    private readonly List<(Tensor Ema, Tensor Live)> pairs = Pair(net, ema);
    private readonly List<(Tensor Ema, Tensor Live)> buffers = PairBuffers(net, ema);

    public double Decay { get; } = decay;

    /// <summary>Starts the average from the live weights (BasicSR: model_ema(0) at start-up).</summary>
    public void CopyFromNet() => Update(0);

    /// <summary>One EMA step with <paramref name="decay"/> (default: the configured one).</summary>
    public void Update(double? decay = null)
    {
        double d = decay ?? Decay;
        using var _ = LibTorch.NoGrad();
        foreach (var (e, live) in pairs) e.Mul_(d).Add_(live, 1 - d);
        foreach (var (e, live) in buffers) e.CopyFrom(live);
    }

    private static List<(Tensor, Tensor)> PairBuffers(Module net, Module ema)
    {
        var live = net.NamedBuffers().ToDictionary(p => p.Name, p => p.Tensor);
        return ema.NamedBuffers().Where(b => live.ContainsKey(b.Name)).Select(b => (b.Tensor, live[b.Name])).ToList();
    }

    private static List<(Tensor, Tensor)> Pair(Module net, Module ema)
    {
        var live = net.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor);
        var result = new List<(Tensor, Tensor)>();
        foreach (var (name, e) in ema.NamedParameters())
        {
            if (!live.TryGetValue(name, out var l))
                throw new InvalidOperationException($"EMA network has parameter '{name}' that the network lacks");
            e.RequiresGrad = false;
            result.Add((e, l));
        }
        return result;
    }
}

using SrTrain.Engine.Models;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Engine.Training;

/// <summary>The state a fresh run starts from, kept in memory: the divergence guard's rollback target until the first
/// checkpoint exists. Holds CPU copies (no accelerator memory) of every saved network (and its EMA), the optimizer and scheduler states (empty
/// moments at iteration 0) and libtorch's RNG state; restoring gives iteration 0 exactly as the run began.</summary>
internal sealed class InitialSnapshot : IDisposable
{
    private readonly List<(Module Net, Dictionary<string, Tensor> Copy)> networks = [];
    private readonly List<object?> optimizers;
    private readonly List<object?> schedulers;
    private readonly Tensor rng;

    public InitialSnapshot(TrainingModel model)
    {
        foreach (var (_, net, ema) in model.CheckpointNetworks)
            foreach (var m in ema is null ? new[] { net } : [net, ema])
                networks.Add((m, m.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Detach().To(kv.Value.DType, Device.Cpu, copy: true).DetachFromDisposeScope())));
        (optimizers, schedulers) = model.TrainingStateTrees();
        rng = LibTorch.GetRngState().DetachFromDisposeScope();
    }

    /// <summary>Puts the weights, optimizer and scheduler states and the RNG back as they were at iteration 0.</summary>
    public void Restore(TrainingModel model)
    {
        using var scope = LibTorch.NewDisposeScope();
        foreach (var (net, copy) in networks) net.LoadStateDict(copy, strict: true);
        model.LoadTrainingStateTrees(optimizers, schedulers);
        LibTorch.SetRngState(rng);
    }

    public void Dispose()
    {
        foreach (var (_, copy) in networks)
            foreach (var t in copy.Values) t.Dispose();
        rng.Dispose();
    }
}

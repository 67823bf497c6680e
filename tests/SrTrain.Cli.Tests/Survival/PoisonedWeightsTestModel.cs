using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Models;

namespace SrTrain.Cli.Tests.Survival;

/// <summary>SRModel whose net_g weights turn NaN right after the (finite) step of each iteration in
/// <see cref="PoisonAt"/>, once per listed iteration, as a step that overflows the weights would leave them: the case
/// the checkpoint writer must refuse. Set <see cref="PoisonAt"/> before a run (the tests run serially).</summary>
[Model("PoisonedWeightsTestModel")]
public sealed class PoisonedWeightsTestModel(ExperimentOptions options, Device device) : SrModel(options, device)
{
    /// <summary>Iterations after whose step the weights are spoiled; each is removed when used.</summary>
    public static HashSet<long> PoisonAt { get; } = [];

    /// <summary>Called with the iteration just after its weights were spoiled.</summary>
    public static Action<long>? Poisoned { get; set; }

    public override void OptimizeParameters(long currentIter)
    {
        base.OptimizeParameters(currentIter);
        lock (PoisonAt)
            if (!PoisonAt.Remove(currentIter)) return;
        using (var scope = LibTorch.NewDisposeScope())
            NetG.Parameters().First().Detach().Mul_(double.NaN);   // the detached view shares the weight's storage
        Poisoned?.Invoke(currentIter);
    }
}

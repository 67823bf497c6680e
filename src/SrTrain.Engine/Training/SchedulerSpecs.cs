using SrTrain.Abstractions.Registry;
using SrTrain.Torch.Optim;

namespace SrTrain.Engine.Training;

/// <summary>A scheduler section bound to its keys; <see cref="Create"/> attaches it to an optimizer.</summary>
public interface ISchedulerSpec
{
    LrScheduler Create(Optimizer optimizer);
}

/// <summary>BasicSR's MultiStepLR (its MultiStepRestartLR): lr *= gamma at each milestone, with restarts.</summary>
[Scheduler("MultiStepLR")]
public sealed record MultiStepLRSpec(long[] Milestones, double Gamma = 0.1, long[]? Restarts = null, double[]? RestartWeights = null)
    : ISchedulerSpec
{
    public LrScheduler Create(Optimizer optimizer) => new MultiStepRestartLR(optimizer, Milestones, Gamma, Restarts, RestartWeights);
}

/// <summary>The same schedule under its class name.</summary>
[Scheduler("MultiStepRestartLR")]
public sealed record MultiStepRestartLRSpec(long[] Milestones, double Gamma = 0.1, long[]? Restarts = null, double[]? RestartWeights = null)
    : ISchedulerSpec
{
    public LrScheduler Create(Optimizer optimizer) => new MultiStepRestartLR(optimizer, Milestones, Gamma, Restarts, RestartWeights);
}

/// <summary>BasicSR's cosine annealing with restarts: one cosine per period, scaled by its restart weight.</summary>
[Scheduler("CosineAnnealingRestartLR")]
public sealed record CosineAnnealingRestartLRSpec(long[] Periods, double[]? RestartWeights = null, double EtaMin = 0) : ISchedulerSpec
{
    public LrScheduler Create(Optimizer optimizer) => new CosineAnnealingRestartLR(optimizer, Periods, RestartWeights, EtaMin);
}

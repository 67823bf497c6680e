namespace SrTrain.Torch.Optim;

/// <summary>BasicSR's per-iteration learning-rate update with linear warm-up
/// (BaseModel.update_learning_rate): schedulers step from the second iteration on, and while
/// current_iter &lt; warmup_iter every group's lr is overwritten with initial_lr / warmup_iter * current_iter.
/// Chainable schedulers (<see cref="MultiStepRestartLR"/>) continue from the warm-up lr, as in BasicSR.</summary>
public static class LinearWarmup
{
    /// <summary>Call once per iteration, before the optimizer step, with the 1-based iteration.</summary>
    /// <param name="optimizers">The model's optimizers (BasicSR: self.optimizers).</param>
    /// <param name="schedulers">Their schedulers (BasicSR: self.schedulers).</param>
    /// <param name="currentIter">The 1-based training iteration.</param>
    /// <param name="warmupIter">Warm-up length; -1 (BasicSR's default) for none.</param>
    public static void UpdateLearningRate(IReadOnlyList<Optimizer> optimizers, IReadOnlyList<LrScheduler> schedulers,
                                          long currentIter, long warmupIter = -1)
    {
        ArgumentNullException.ThrowIfNull(optimizers);
        ArgumentNullException.ThrowIfNull(schedulers);
        if (currentIter > 1)
            foreach (var s in schedulers) s.Step();
        if (currentIter >= warmupIter) return;
        foreach (var optimizer in optimizers)
            for (int i = 0; i < optimizer.ParamGroups.Count; i++)
            {
                var g = optimizer.ParamGroups[i];
                var initial = g.InitialLr ?? throw new InvalidOperationException(
                    $"warm-up needs param group {i}'s initial_lr, which a scheduler sets: create the schedulers before the first update");
                g.Lr = WarmupLr(initial, currentIter, warmupIter);
            }
    }

    /// <summary>The warm-up lr at <paramref name="currentIter"/>, in BasicSR's operation order.</summary>
    public static double WarmupLr(double initialLr, long currentIter, long warmupIter) =>
        initialLr / warmupIter * currentIter;
}

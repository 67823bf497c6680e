using SrTrain.Torch.Optim;

namespace SrTrain.Torch.Tests.Optim;

/// <summary>BasicSR's update_learning_rate (linear warm-up over a scheduler) against
/// make_optim.py's reference, iterations 1..1000, to 1e-12. With MultiStepRestartLR the warm-up lr
/// carries into the chainable schedule, as in BasicSR. Fixtures:
/// tests/fixtures/optim/sched_*_warmup.json, regenerate with
/// <c>cd tests/fixtures &amp;&amp; /usr/bin/python3 make_optim.py</c>.</summary>
public class LinearWarmupTests
{
    [Theory]
    [InlineData("multistep_restart_warmup", 100)]
    [InlineData("cosine_restart_warmup", 50)]
    public void MatchesBasicSr(string config, long warmupIter)
    {
        var expected = ScheduleFixture.Expected(config);
        using var o = ScheduleFixture.NewOptimizer();
        LrScheduler s = config.StartsWith("multistep")
            ? new MultiStepRestartLR(o, [100, 250, 400, 700, 850], gamma: 0.5, restarts: [0, 500], restartWeights: [1, 0.5])
            : new CosineAnnealingRestartLR(o, [250, 250, 250, 250], restartWeights: [1, 1, 0.5, 0.5], etaMin: 1e-7);
        for (long iter = 1; iter <= ScheduleFixture.Steps; iter++)
        {
            LinearWarmup.UpdateLearningRate([o], [s], iter, warmupIter);
            ScheduleFixture.AssertClose(expected[iter - 1], ScheduleFixture.Lrs(o), $"{config} at iteration {iter}");
        }
    }

    [Fact]
    public void WarmupNeedsASchedulerForInitialLr()
    {
        using var o = ScheduleFixture.NewOptimizer();
        var ex = Assert.Throws<InvalidOperationException>(() => LinearWarmup.UpdateLearningRate([o], [], 1, 10));
        Assert.Contains("initial_lr", ex.Message);
    }
}

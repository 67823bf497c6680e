using SrTrain.Torch.Optim;

namespace SrTrain.Torch.Tests.Optim;

/// <summary>MultiStepLR against torch's over 1000 steps (repeated milestone included), to 1e-12.
/// Fixture: tests/fixtures/optim/sched_multistep.json, regenerate with
/// <c>cd tests/fixtures &amp;&amp; /usr/bin/python3 make_optim.py</c>.</summary>
public class MultiStepLRTests
{
    private static LrScheduler Make(Optimizer o) => new MultiStepLR(o, [100, 300, 300, 600], gamma: 0.5);

    [Fact]
    public void MatchesTorch() => ScheduleFixture.AssertSchedule("multistep", Make);

    [Fact]
    public void ResumesFromStateDict() => ScheduleFixture.AssertResumes("multistep", Make, 300);

    [Fact]
    public void StateDictHasTorchKeys()
    {
        using var o = ScheduleFixture.NewOptimizer();
        var sd = new MultiStepLR(o, [100, 300, 300], gamma: 0.5).StateDict();
        Assert.Equal(["milestones", "gamma", "base_lrs", "last_epoch", "verbose", "_step_count", "_get_lr_called_within_step", "_last_lr"], sd.Keys);
        Assert.Equal(new Dictionary<long, object?> { [100] = 1L, [300] = 2L }, sd["milestones"]);
        Assert.Equal(0L, sd["last_epoch"]);
        Assert.Equal(1L, sd["_step_count"]);
        Assert.Equal(new List<object?> { 2e-4, 1e-3 }, sd["base_lrs"]);
    }
}

using SrTrain.Torch.Optim;

namespace SrTrain.Torch.Tests.Optim;

/// <summary>BasicSR's MultiStepRestartLR against make_optim.py's reference of it over 1000 steps
/// (a restart at 500 with weight 0.5), to 1e-12. Fixture: tests/fixtures/optim/sched_multistep_restart.json,
/// regenerate with <c>cd tests/fixtures &amp;&amp; /usr/bin/python3 make_optim.py</c>.</summary>
public class MultiStepRestartLRTests
{
    private static LrScheduler Make(Optimizer o) =>
        new MultiStepRestartLR(o, [100, 250, 400, 700, 850], gamma: 0.5, restarts: [0, 500], restartWeights: [1, 0.5]);

    [Fact]
    public void MatchesBasicSr() => ScheduleFixture.AssertSchedule("multistep_restart", Make);

    [Fact]
    public void ResumesFromStateDict() => ScheduleFixture.AssertResumes("multistep_restart", Make, 499);

    [Fact]
    public void RejectsRestartsWithoutWeights()
    {
        using var o = ScheduleFixture.NewOptimizer();
        var ex = Assert.Throws<ArgumentException>(() => new MultiStepRestartLR(o, [10], restarts: [0, 50], restartWeights: [1]));
        Assert.Contains("restart_weights", ex.Message);
    }
}

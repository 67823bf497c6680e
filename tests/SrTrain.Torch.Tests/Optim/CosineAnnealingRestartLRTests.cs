using SrTrain.Torch.Optim;

namespace SrTrain.Torch.Tests.Optim;

/// <summary>BasicSR's CosineAnnealingRestartLR against make_optim.py's reference of it over 1000
/// steps (four cycles, weights 1, 1, 0.5, 0.5), to 1e-12. Fixture:
/// tests/fixtures/optim/sched_cosine_restart.json, regenerate with
/// <c>cd tests/fixtures &amp;&amp; /usr/bin/python3 make_optim.py</c>.</summary>
public class CosineAnnealingRestartLRTests
{
    private static LrScheduler Make(Optimizer o) =>
        new CosineAnnealingRestartLR(o, [250, 250, 250, 250], restartWeights: [1, 1, 0.5, 0.5], etaMin: 1e-7);

    [Fact]
    public void MatchesBasicSr() => ScheduleFixture.AssertSchedule("cosine_restart", Make);

    [Fact]
    public void ResumesFromStateDict() => ScheduleFixture.AssertResumes("cosine_restart", Make, 600);

    [Fact]
    public void PastTheLastPeriodIsAnActionableError()
    {
        using var o = ScheduleFixture.NewOptimizer();
        var s = new CosineAnnealingRestartLR(o, [5]);
        for (int i = 0; i < 5; i++) s.Step();
        var ex = Assert.Throws<InvalidOperationException>(s.Step);
        Assert.Contains("periods", ex.Message);
    }
}

using SrTrain.Torch.Optim;

namespace SrTrain.Torch.Tests.Optim;

/// <summary>CosineAnnealingLR against torch's over 1000 steps (more than three half-cycles, so the
/// bounce-back branch runs), to 1e-12. Fixture: tests/fixtures/optim/sched_cosine.json, regenerate
/// with <c>cd tests/fixtures &amp;&amp; /usr/bin/python3 make_optim.py</c>.</summary>
public class CosineAnnealingLRTests
{
    private static LrScheduler Make(Optimizer o) => new CosineAnnealingLR(o, tMax: 150, etaMin: 1e-6);

    [Fact]
    public void MatchesTorch() => ScheduleFixture.AssertSchedule("cosine", Make);

    [Fact]
    public void ResumesFromStateDict() => ScheduleFixture.AssertResumes("cosine", Make, 451);

    [Fact]
    public void ResumingByEpochNeedsInitialLr()
    {
        using var o = ScheduleFixture.NewOptimizer();
        var ex = Assert.Throws<InvalidOperationException>(() => new CosineAnnealingLR(o, 150, lastEpoch: 10));
        Assert.Contains("initial_lr", ex.Message);
    }
}

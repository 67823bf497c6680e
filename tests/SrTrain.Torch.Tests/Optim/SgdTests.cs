using SrTrain.Torch.Optim;

namespace SrTrain.Torch.Tests.Optim;

/// <summary>SGD against torch.optim.SGD (torch 1.13, foreach=False), bit for bit over 120 steps:
/// plain, momentum with dampening and weight decay, Nesterov (one group maximising). Reference
/// trajectories made at test time by tests/fixtures/make_optim.py's optimizer_fixtures() on this machine's kernels (LiveFixture).</summary>
public class SgdTests
{
    [Fact]
    public void PlainMatchesTorch()
    {
        using var run = new OptimizerTrajectory();
        using var sgd = new Sgd([new SgdGroup(run.Group(0), lr: 1e-2), new SgdGroup(run.Group(1), lr: 3e-2)]);
        run.AssertMatches("sgd", sgd);
    }

    [Fact]
    public void MomentumMatchesTorch()
    {
        using var run = new OptimizerTrajectory();
        using var sgd = new Sgd([
            new SgdGroup(run.Group(0), lr: 1e-2, momentum: 0.9, dampening: 0.1, weightDecay: 1e-3),
            new SgdGroup(run.Group(1), lr: 3e-2, momentum: 0.5),
        ]);
        run.AssertMatches("sgd_momentum", sgd);
    }

    [Fact]
    public void NesterovMatchesTorch()
    {
        using var run = new OptimizerTrajectory();
        using var sgd = new Sgd([
            new SgdGroup(run.Group(0), lr: 1e-2, momentum: 0.9, nesterov: true, weightDecay: 5e-4),
            new SgdGroup(run.Group(1), lr: 3e-2, momentum: 0.8, nesterov: true, maximize: true),
        ]);
        run.AssertMatches("sgd_nesterov", sgd);
    }

    [Fact]
    public void StateDictRecordsSteppedParametersLikeTorch()
    {
        using var run = new OptimizerTrajectory();
        using var sgd = new Sgd(run.Parameters, lr: 0.1);
        run.SetGradients(0);            // parameter 2 has no gradient on step 1
        sgd.Step();
        var state = Assert.IsType<Dictionary<long, object?>>(sgd.StateDict()["state"]);
        // torch: {0: {'momentum_buffer': None}, 1: {...}} and nothing for the skipped parameter.
        Assert.Equal([0L, 1L], state.Keys.Order());
        Assert.Null(Assert.IsType<Dictionary<string, object?>>(state[0])["momentum_buffer"]);
    }

    [Fact]
    public void RejectsNesterovWithoutMomentum()
    {
        using var p = Tensor.Zeros([2]);
        var ex = Assert.Throws<ArgumentException>(() => new Sgd([p], lr: 0.1, nesterov: true));
        Assert.Contains("nesterov", ex.Message);
    }
}

using SrTrain.Torch.Optim;

namespace SrTrain.Torch.Tests.Optim;

/// <summary>AdamW against torch.optim.AdamW (torch 1.13, foreach=False), bit for bit over 120
/// steps. Reference trajectories
/// made at test time by tests/fixtures/make_optim.py's optimizer_fixtures() on this machine's kernels (LiveFixture).</summary>
public class AdamWTests
{
    [Theory]
    [InlineData("adamw", false)]
    [InlineData("adamw_amsgrad", true)]
    public void MatchesTorchBitForBit(string config, bool amsgrad)
    {
        using var run = new OptimizerTrajectory();
        using var adamw = Build(run, amsgrad, fused: false);
        run.AssertMatches(config, adamw);
    }

    /// <summary>The optimizer optim/grads.json's AdamW trajectories were made with (FusedAdamTests: the same, fused).</summary>
    internal static AdamW Build(OptimizerTrajectory run, bool amsgrad, bool fused)
    {
        AdamGroup second = amsgrad
            ? new(run.Group(1), lr: 3e-3, weightDecay: 0, amsgrad: true, fused: fused)
            : new(run.Group(1), lr: 3e-3, beta1: 0.85, beta2: 0.995, weightDecay: 0.1, fused: fused);
        return new AdamW([new AdamGroup(run.Group(0), lr: 1e-2, weightDecay: 1e-2, amsgrad: amsgrad, fused: fused), second]);
    }

    [Fact]
    public void DefaultsToTorchWeightDecay()
    {
        using var p = Tensor.Zeros([2]);
        using var adamw = new AdamW([p]);
        Assert.Equal(1e-2, adamw.ParamGroups[0].WeightDecay);
    }
}

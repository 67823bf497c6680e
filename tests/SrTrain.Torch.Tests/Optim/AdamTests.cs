using SrTrain.Torch.Optim;

namespace SrTrain.Torch.Tests.Optim;

/// <summary>Adam against torch.optim.Adam (torch 1.13, foreach=False), bit for bit over 120 steps
/// with two groups, skipped parameters and an lr change. Reference
/// trajectories made at test time by tests/fixtures/make_optim.py's optimizer_fixtures() on this machine's kernels (LiveFixture).</summary>
public class AdamTests
{
    [Theory]
    [InlineData("adam", false, false, 0.9, 0.999, 1e-8, 0.8, 0.99, 1e-8)]
    [InlineData("adam_amsgrad", true, false, 0.9, 0.999, 1e-8, 0.9, 0.999, 1e-6)]
    [InlineData("adam_maximize", false, true, 0.9, 0.999, 1e-8, 0.9, 0.999, 1e-8)]
    public void MatchesTorchBitForBit(string config, bool amsgrad, bool maximize,
                                      double b10, double b20, double eps0, double b11, double b21, double eps1)
    {
        using var run = new OptimizerTrajectory();
        using var adam = Build(run, amsgrad, maximize, b10, b20, eps0, b11, b21, eps1, fused: false);
        run.AssertMatches(config, adam);
    }

    /// <summary>The optimizer optim/grads.json's Adam trajectories were made with (FusedAdamTests: the same, fused).</summary>
    internal static Adam Build(OptimizerTrajectory run, bool amsgrad, bool maximize, double b10, double b20, double eps0,
                               double b11, double b21, double eps1, bool fused) => new([
        new AdamGroup(run.Group(0), lr: 1e-2, beta1: b10, beta2: b20, eps: eps0, amsgrad: amsgrad, maximize: maximize, fused: fused),
        new AdamGroup(run.Group(1), lr: 3e-3, beta1: b11, beta2: b21, eps: eps1, weightDecay: 1e-2, amsgrad: amsgrad, maximize: maximize, fused: fused),
    ]);

    [Fact]
    public void StateDictHasTorchLayout()
    {
        using var run = new OptimizerTrajectory();
        using var adam = new Adam([new AdamGroup(run.Group(0), lr: 1e-2, amsgrad: true), new AdamGroup(run.Group(1), lr: 3e-3)]);
        run.SetGradients(0);            // parameter 2 has no gradient on step 1
        adam.Step();
        using var scope = LibTorch.NewDisposeScope();
        var sd = adam.StateDict();
        var state = Assert.IsType<Dictionary<long, object?>>(sd["state"]);
        Assert.Equal([0L, 1L], state.Keys.Order());
        var entry = Assert.IsType<Dictionary<string, object?>>(state[0]);
        Assert.Equal(["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"], entry.Keys);
        var step = Assert.IsType<Tensor>(entry["step"]);
        Assert.Equal(DType.Float32, step.DType);
        Assert.Equal(1.0, step.Item());
        Assert.True(Assert.IsType<Tensor>(entry["exp_avg"]).Shape.SequenceEqual(OptimizerTrajectory.Shapes[0]));
        var groups = Assert.IsType<List<object?>>(sd["param_groups"]);
        var g1 = Assert.IsType<Dictionary<string, object?>>(groups[1]);
        Assert.Equal(3e-3, g1["lr"]);
        Assert.Equal(new List<object?> { 0.9, 0.999 }, g1["betas"]);
        Assert.Equal(false, g1["amsgrad"]);
        Assert.Equal(new List<object?> { 2L }, g1["params"]);
    }

    [Fact]
    public void RejectsBadHyperParameters()
    {
        using var p = Tensor.Zeros([2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], beta1: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], lr: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], eps: -1e-8));
        var ex = Assert.Throws<ArgumentException>(() => new Adam([new AdamGroup([p]), new AdamGroup([p])]));
        Assert.Contains("more than one parameter group", ex.Message);
    }
}

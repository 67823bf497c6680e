using SrTrain.Torch.Optim;
using SrTrain.TestSupport;

namespace SrTrain.Torch.Tests.Optim;

/// <summary>Learning-rate sequences from tests/fixtures/optim/sched_*.json (written by
/// tests/fixtures/make_optim.py): torch's schedulers and the script's reference of BasicSR's, two
/// groups starting at 2e-4 and 1e-3, 1000 steps.</summary>
internal static class ScheduleFixture
{
    internal const int Steps = 1000;
    internal static readonly double[] BaseLrs = [2e-4, 1e-3];

    /// <summary>An SGD optimizer over two one-element parameters, one group each.</summary>
    internal static Sgd NewOptimizer() =>
        new(BaseLrs.Select(lr => new SgdGroup([Tensor.Zeros([1]).DetachFromDisposeScope()], lr)));

    /// <summary>The expected lr of each group per row.</summary>
    internal static double[][] Expected(string config)
    {
        using var f = TensorFixture.Load($"optim/sched_{config}.json");
        var lr = f["lr"];
        var flat = lr.ToArray<double>();
        int groups = (int)lr.Shape[1];
        return Enumerable.Range(0, (int)lr.Shape[0]).Select(r => flat.AsSpan(r * groups, groups).ToArray()).ToArray();
    }

    internal static double[] Lrs(Optimizer o) => o.ParamGroups.Select(g => g.Lr).ToArray();

    /// <summary>Asserts each value within 1e-12 relative of the reference.</summary>
    internal static void AssertClose(double[] expected, double[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Abs(expected[i]),
                $"{what}, group {i}: lr {actual[i]:R}, reference {expected[i]:R}");
    }

    /// <summary>Steps a scheduler (after constructing it: row 0) through every row of the fixture.</summary>
    internal static void AssertSchedule(string config, Func<Optimizer, LrScheduler> make)
    {
        var expected = Expected(config);
        using var o = NewOptimizer();
        var s = make(o);
        AssertClose(expected[0], Lrs(o), $"{config} after construction");
        for (int k = 1; k <= Steps; k++)
        {
            s.Step();
            AssertClose(expected[k], Lrs(o), $"{config} after step {k}");
            Assert.Equal(Lrs(o), s.LastLr);
        }
        Assert.Equal(Steps, s.LastEpoch);
    }

    /// <summary>Runs <paramref name="resumeAt"/> steps, saves optimizer and scheduler state, builds
    /// both anew, loads, and checks the rest of the schedule matches the reference.</summary>
    internal static void AssertResumes(string config, Func<Optimizer, LrScheduler> make, int resumeAt)
    {
        var expected = Expected(config);
        Dictionary<string, object?> optimizerState, schedulerState;
        using (var o = NewOptimizer())
        {
            var s = make(o);
            for (int k = 1; k <= resumeAt; k++) s.Step();
            optimizerState = o.StateDict();
            schedulerState = s.StateDict();
        }
        using var o2 = NewOptimizer();
        var s2 = make(o2);
        o2.LoadStateDict(optimizerState);
        s2.LoadStateDict(schedulerState);
        Assert.Equal(resumeAt, s2.LastEpoch);
        AssertClose(expected[resumeAt], Lrs(o2), $"{config} after resume at {resumeAt}");
        for (int k = resumeAt + 1; k <= Steps; k++)
        {
            s2.Step();
            AssertClose(expected[k], Lrs(o2), $"{config} resumed at {resumeAt}, step {k}");
        }
    }
}

using SrTrain.Torch.Optim;
using SrTrain.TestSupport;

namespace SrTrain.Torch.Tests.Optim;

/// <summary>Replays the gradient sequence of optim/grads.json through an optimizer and compares the parameters after
/// every step with torch.optim's, bit for bit. Both files are made at test time by tests/fixtures/make_optim.py's
/// optimizer_fixtures() (<see cref="LiveFixture"/>): bit equality only holds on the same kernels, and the fused
/// multiply-adds of AVX2/AVX-512 round differently from scalar code. Three parameters in two groups (0,1 | 2); a parameter without a
/// gradient on a step is skipped; every group's lr is halved after the fixture's lr_change_step.</summary>
internal sealed class OptimizerTrajectory : IDisposable
{
    internal static readonly long[][] Shapes = [[4, 3], [5], [2, 1, 2, 2]];
    internal static readonly int[][] Groups = [[0, 1], [2]];

    private readonly TensorFixture inputs = LiveFixture.Load("make_optim", "optimizer_fixtures", "optim/grads.json");
    private readonly float[] grads;
    private readonly long[] mask;

    internal OptimizerTrajectory()
    {
        Steps = (int)inputs.Number("steps");
        LrChangeStep = (int)inputs.Number("lr_change_step");
        grads = inputs["grads"].ToArray<float>();
        mask = inputs["mask"].ToArray<long>();
        Parameters = Enumerable.Range(0, Shapes.Length)
            .Select(i => inputs[$"init{i}"].Clone().DetachFromDisposeScope().RequiresGrad_()).ToArray();
    }

    internal int Steps { get; }
    internal int LrChangeStep { get; }
    internal int NumEl => Shapes.Sum(s => (int)s.Aggregate(1L, (a, b) => a * b));

    /// <summary>Fresh leaf parameters holding the fixture's initial values.</summary>
    internal Tensor[] Parameters { get; }

    internal IEnumerable<Tensor> Group(int g) => Groups[g].Select(i => Parameters[i]);

    /// <summary>Sets the gradients of step <paramref name="k"/> (null where the fixture's mask is 0).</summary>
    internal void SetGradients(int k)
    {
        int offset = 0;
        for (int i = 0; i < Parameters.Length; i++)
        {
            var n = (int)Parameters[i].NumEl;
            if (mask[k * Parameters.Length + i] != 0)
            {
                using var g = Tensor.From(grads.AsSpan(k * NumEl + offset, n), Shapes[i]);
                Parameters[i].Grad = g;
            }
            else
            {
                Parameters[i].Grad = null;
            }
            offset += n;
        }
    }

    /// <summary>One step as the fixture took it: gradients, optimizer step, lr change.</summary>
    internal void Step(Optimizer optimizer, int k)
    {
        SetGradients(k);
        optimizer.Step();
        if (k + 1 == LrChangeStep)
            foreach (var g in optimizer.ParamGroups) g.Lr *= 0.5;
    }

    /// <summary>All parameter values, flattened in order.</summary>
    internal float[] Flat() => Parameters.SelectMany(p => p.ToArray<float>()).ToArray();

    /// <summary>Runs every step and asserts the parameters equal torch's bit for bit after each one.</summary>
    internal void AssertMatches(string config, Optimizer optimizer)
    {
        using var expected = LiveFixture.Load("make_optim", "optimizer_fixtures", $"optim/{config}.json");
        var trajectory = expected["params"].ToArray<float>();
        for (int k = 0; k < Steps; k++)
        {
            Step(optimizer, k);
            var actual = Flat();
            for (int j = 0; j < NumEl; j++)
                Assert.True(BitConverter.SingleToInt32Bits(actual[j]) == BitConverter.SingleToInt32Bits(trajectory[k * NumEl + j]),
                    $"{config}: step {k + 1}, element {j}: {actual[j]:R}, torch {trajectory[k * NumEl + j]:R}");
        }
        var stepCounts = expected["step_counts"].ToArray<double>();
        if (optimizer is AdamBase adam)
            for (int i = 0; i < Parameters.Length; i++) Assert.Equal((long)stepCounts[i], adam.StepCount(i));
    }

    /// <summary>Runs every step and asserts the parameters stay within <paramref name="ulpsPerStep"/> float32 ulp of
    /// torch's per step taken, counted on the larger of the value and <paramref name="updateScale"/> (the size of one
    /// Adam update, about lr): an update that rounds differently adds at most that much each step, and with the
    /// gradients fixed by the fixture the differences add up rather than grow. Returns the largest difference seen, in
    /// units of that tolerance's per-step ulp.</summary>
    internal double AssertClose(string config, Optimizer optimizer, double ulpsPerStep, double updateScale)
    {
        using var expected = LiveFixture.Load("make_optim", "optimizer_fixtures", $"optim/{config}.json");
        var trajectory = expected["params"].ToArray<float>();
        double worst = 0;
        for (int k = 0; k < Steps; k++)
        {
            Step(optimizer, k);
            var actual = Flat();
            for (int j = 0; j < NumEl; j++)
            {
                double want = trajectory[k * NumEl + j];
                double ulp = Math.Max(Math.Abs(want), updateScale) * Math.Pow(2, -23);
                double diff = Math.Abs(actual[j] - want);
                worst = Math.Max(worst, diff / ulp / (k + 1));
                Assert.True(diff <= ulpsPerStep * (k + 1) * ulp,
                    $"{config}: step {k + 1}, element {j}: {actual[j]:R}, torch {want:R} (difference {diff / ulp:F1} ulp)");
            }
        }
        return worst;
    }

    public void Dispose()
    {
        foreach (var p in Parameters) p.Dispose();
        inputs.Dispose();
    }
}

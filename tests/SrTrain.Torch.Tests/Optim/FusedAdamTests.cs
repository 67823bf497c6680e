using SrTrain.Torch.Optim;

namespace SrTrain.Torch.Tests.Optim;

/// <summary>The fused Adam / AdamW update (<see cref="AdamGroup.Fused"/>): one pass per parameter instead of torch's
/// seven ops. It cannot match torch bit for bit (a multiply-add may round once or twice), so it is held to a few ulp
/// per step of torch.optim's trajectories (the same fixtures as the bit-for-bit tests), to a float64 evaluation of
/// the update, and to the op-by-op update where it does not apply.</summary>
public class FusedAdamTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // Per step: the moments, the denominator and the step each round at most twice more or less than torch's ops.
    private const double UlpsPerStep = 4;

    [Theory]
    [InlineData("adam", false, false, 0.9, 0.999, 1e-8, 0.8, 0.99, 1e-8)]
    [InlineData("adam_amsgrad", true, false, 0.9, 0.999, 1e-8, 0.9, 0.999, 1e-6)]
    [InlineData("adam_maximize", false, true, 0.9, 0.999, 1e-8, 0.9, 0.999, 1e-8)]
    public void AdamStaysWithinAFewUlpPerStepOfTorch(string config, bool amsgrad, bool maximize,
                                                     double b10, double b20, double eps0, double b11, double b21, double eps1)
    {
        using var run = new OptimizerTrajectory();
        using var adam = AdamTests.Build(run, amsgrad, maximize, b10, b20, eps0, b11, b21, eps1, fused: true);
        double worst = run.AssertClose(config, adam, UlpsPerStep, updateScale: 1e-2);
        output.WriteLine($"{config}: largest difference {worst:F2} ulp per step");
        AssertTookTheFusedPass(run, adam);
    }

    [Theory]
    [InlineData("adamw", false)]
    [InlineData("adamw_amsgrad", true)]
    public void AdamWStaysWithinAFewUlpPerStepOfTorch(string config, bool amsgrad)
    {
        using var run = new OptimizerTrajectory();
        using var adamw = AdamWTests.Build(run, amsgrad, fused: true);
        double worst = run.AssertClose(config, adamw, UlpsPerStep, updateScale: 1e-2);
        output.WriteLine($"{config}: largest difference {worst:F2} ulp per step");
        AssertTookTheFusedPass(run, adamw);
    }

    /// <summary>On kernels without FMA the fused pass can equal torch's ops bit for bit, so closeness alone would not
    /// show it ran: every parameter the last step updated must have been updated by it.</summary>
    private static void AssertTookTheFusedPass(OptimizerTrajectory run, AdamBase optimizer)
    {
        for (int i = 0; i < run.Parameters.Length; i++)
        {
            using var grad = run.Parameters[i].Grad;
            if (grad is not null) Assert.True(optimizer.LastStepFused(i), $"parameter {i} took torch's update");
        }
    }

    [Fact]
    public void TwoStepsMatchTheUpdateEvaluatedInFloat64()
    {
        const double lr = 1e-3, b1 = 0.9, b2 = 0.99, eps = 1e-8, wd = 1e-2;
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(3);
        // 77000 elements: not a multiple of any vector width, and several chunks of the parallel loop.
        var p = Tensor.Randn([1000, 77]).RequiresGrad_();
        var g1 = Tensor.Randn([1000, 77]) * 0.1;
        var g2 = Tensor.Randn([1000, 77]) * 0.1;
        var (p0, gs1, gs2) = (p.ToArray<float>(), g1.ToArray<float>(), g2.ToArray<float>());
        using var adam = new Adam([p], lr, b1, b2, eps, wd, fused: true);
        p.Grad = g1;
        adam.Step();
        var p1 = p.ToArray<float>();
        p.Grad = g2;
        adam.Step();
        Assert.True(adam.LastStepFused(0));
        var actual = p.ToArray<float>();
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            // Step 1's moments in float64; step 2 from the float32 parameter step 1 left.
            double first = gs1[i] + wd * p0[i];
            double m1 = (1 - b1) * first, v1 = (1 - b2) * first * first;
            double gi = gs2[i] + wd * p1[i];
            double m = b1 * m1 + (1 - b1) * gi, v = b2 * v1 + (1 - b2) * gi * gi;
            double denom = Math.Sqrt(v) / Math.Sqrt(1 - b2 * b2) + eps;
            double update = lr / (1 - b1 * b1) * m / denom;
            double want = p1[i] - update;
            // The parameter's own rounding plus the dozen or so float32 roundings of the update; the first moment's rounding is
            // relative to its terms, not to m, which cancels where the two gradients point opposite ways.
            double terms = lr / (1 - b1 * b1) * (b1 * Math.Abs(m1) + (1 - b1) * Math.Abs(gi)) / denom;
            double bound = Math.Abs(want) * Math.Pow(2, -24) + 16 * (Math.Abs(update) + terms) * Math.Pow(2, -24);
            worst = Math.Max(worst, Math.Abs(actual[i] - want) / bound);
            Assert.True(Math.Abs(actual[i] - want) <= bound, $"element {i}: {actual[i]:R}, float64 {want:R}");
        }
        output.WriteLine($"largest difference {worst:F2} of the bound");
    }

    [Fact]
    public void ParametersTheFusedPassCannotTakeKeepTorchsUpdateBitForBit()
    {
        // float64 parameters are outside the float32 pass: with fused on they must take the op-by-op update.
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(5);
        var a = Tensor.Randn([64, 9], dtype: DType.Float64).RequiresGrad_();
        var b = a.Detach().Clone().RequiresGrad_();
        using var fused = new Adam([a], lr: 1e-2, weightDecay: 1e-3, fused: true);
        using var plain = new Adam([b], lr: 1e-2, weightDecay: 1e-3);
        for (int k = 0; k < 5; k++)
        {
            var g = Tensor.Randn([64, 9], dtype: DType.Float64);
            a.Grad = g;
            b.Grad = g.Clone();
            fused.Step();
            plain.Step();
        }
        Assert.False(fused.LastStepFused(0));
        Assert.Equal(b.ToArray<double>(), a.ToArray<double>());
    }

    [Fact]
    public void AChannelsLastParameterTakesTheSameFusedUpdateAsAContiguousOne()
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(7);
        var a = Tensor.Randn([8, 5, 3, 3]).RequiresGrad_();
        var b = a.Detach().Contiguous(MemoryFormat.ChannelsLast).RequiresGrad_();
        Assert.False(b.IsContiguous());
        var start = a.ToArray<float>();
        using var contiguous = new Adam([a], lr: 1e-2, fused: true);
        using var channelsLast = new Adam([b], lr: 1e-2, fused: true);
        for (int k = 0; k < 5; k++)
        {
            var g = Tensor.Randn([8, 5, 3, 3]);
            a.Grad = g;
            b.Grad = g.Contiguous(MemoryFormat.ChannelsLast);
            contiguous.Step();
            channelsLast.Step();
        }
        Assert.True(contiguous.LastStepFused(0) && channelsLast.LastStepFused(0));
        Assert.Equal(a.ToArray<float>(), b.Contiguous().ToArray<float>());
        Assert.NotEqual(start, a.ToArray<float>());
    }
}

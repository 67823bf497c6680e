namespace SrTrain.Torch.Tests;

/// <summary>Winograd convolutions (ConvAlgorithm, native/src/winograd_conv.cpp) against float64 convolutions of the
/// same values, forward and all three gradients, and the cases that must stay libtorch's own convolution.
/// Tolerance: Winograd F(4x4, 3x3) in float32 differs from the exact result by a few float32 epsilons times the
/// sum of the |products| behind each output (its transforms scale values by up to ~10 and back); the test allows
/// 64 eps x that sum, elementwise, computed by convolving |x| with |w| in float64. Measured on an AVX-512 EPYC: 3-7 eps
/// (libtorch's direct kernels 1-2); a wrong tap or a transposed weight misses by ~100% of the sum, 8 million eps.</summary>
public class ConvAlgorithmTests
{
    private const double Eps32 = 1.1920928955078125e-07;

    private static Tensor Normal(Random rng, params long[] shape)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var data = new float[n];
        for (long i = 0; i < n; i++)
            data[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return Tensor.From(data, shape);
    }

    /// <summary>Max over elements of |actual - exact| / (eps32 x bound); &lt;= 64 passes.</summary>
    private static double ErrorInEps(Tensor actual, Tensor exact, Tensor bound) =>
        actual.To(DType.Float64).Sub(exact).Abs().Div((bound * Eps32 + 1e-30)).Max().Item();

    /// <summary>Bit for bit.</summary>
    private static bool Same(Tensor a, Tensor b) => a.Sub(b).Abs().Max().Item() == 0;

    [Theory]
    [InlineData(2, 64, 32, 12, 20, true)]
    [InlineData(1, 96, 64, 17, 9, false)]
    [InlineData(2, 32, 48, 8, 8, true)]
    public void ForwardAndGradientsMatchFloat64Convolution(int n, int c, int k, int h, int w, bool bias)
    {
        if (!ConvAlgorithm.WinogradAvailable) return;   // UnavailableWinogradIsAClearError covers this machine
        CheckAgainstFloat64(n, c, k, h, w, bias, long.MaxValue);
    }

    /// <summary>A batch whose scratchpads exceed the bound runs in chunks of fewer images (the weight gradient summed over
    /// them): still Winograd, still within the bound of float64.</summary>
    [Fact]
    public void ABatchWhoseScratchpadExceedsTheBoundRunsInChunks()
    {
        if (!ConvAlgorithm.WinogradAvailable) return;   // UnavailableWinogradIsAClearError covers this machine
        static long Largest((long Forward, long BackwardData, long BackwardWeights)? s) =>
            Math.Max(s!.Value.Forward, Math.Max(s.Value.BackwardData, s.Value.BackwardWeights));
        // 64 -> 256 channels at 32x32: the scratchpads grow with the images per execution (oneDNN on AVX-512: 18 MiB for
        // one image, 26 for four).
        long one = Largest(ConvAlgorithm.WinogradScratchpadBytes(1, 64, 256, 32, 32));
        long four = Largest(ConvAlgorithm.WinogradScratchpadBytes(4, 64, 256, 32, 32));
        if (four <= one) return;   // a oneDNN whose scratchpad does not grow with the batch needs no chunks
        CheckAgainstFloat64(4, 64, 256, 32, 32, bias: true, maxScratchpadBytes: one);
    }

    private static void CheckAgainstFloat64(int n, int c, int k, int h, int w, bool bias, long maxScratchpadBytes)
    {
        using var scope = LibTorch.NewDisposeScope();
        var rng = new Random(n * 1000 + c + k + h);
        var x = Normal(rng, n, c, h, w).RequiresGrad_();
        var wt = Normal(rng, k, c, 3, 3).Mul(Tensor.Scalar(0.05)).Detach().RequiresGrad_();
        var b = bias ? Normal(rng, k).RequiresGrad_() : null;
        var upstream = Normal(rng, n, k, h, w);

        Tensor y;
        using (ConvAlgorithm.UseWinograd(maxScratchpadBytes: maxScratchpadBytes)) y = F.Conv2d(x, wt, b, padding: 1);
        y.Mul(upstream).Sum().Backward();

        var x64 = x.Detach().To(DType.Float64).RequiresGrad_();
        var w64 = wt.Detach().To(DType.Float64).RequiresGrad_();
        var b64 = b?.Detach().To(DType.Float64).RequiresGrad_();
        var y64 = F.Conv2d(x64, w64, b64, padding: 1);
        var up64 = upstream.To(DType.Float64);
        y64.Mul(up64).Sum().Backward();

        // Bounds: the sums of |products| behind each value of the output and of each gradient.
        var absX = x64.Detach().Abs();
        var absW = w64.Detach().Abs();
        var absUp = up64.Abs();
        var yBound = F.Conv2d(absX, absW, b64?.Detach().Abs(), padding: 1);
        var gxBound = F.ConvTranspose2d(absUp, absW, null, padding: 1);
        var gwBound = F.Conv2d(absX.Transpose(0, 1), absUp.Transpose(0, 1), null, padding: 1).Transpose(0, 1);

        Assert.InRange(ErrorInEps(y, y64.Detach(), yBound), 0, 64);
        Assert.InRange(ErrorInEps(x.Grad!, x64.Grad!, gxBound), 0, 64);
        Assert.InRange(ErrorInEps(wt.Grad!, w64.Grad!, gwBound), 0, 64);
        if (b is not null)
            Assert.InRange(ErrorInEps(b.Grad!, b64!.Grad!, absUp.Sum([0L, 2, 3])), 0, 64);
        // Winograd really ran: its rounding is not the direct kernel's.
        Assert.False(Same(y, F.Conv2d(x.Detach(), wt.Detach(), b?.Detach(), padding: 1)));
    }

    [Fact]
    public void FrozenWeightsGetNoGradientAndTheInputStillDoes()
    {
        // The perceptual loss's VGG: weights and bias frozen, the generator's output needs its gradient.
        if (!ConvAlgorithm.WinogradAvailable) return;
        using var scope = LibTorch.NewDisposeScope();
        var rng = new Random(5);
        var x = Normal(rng, 1, 64, 9, 11).RequiresGrad_();
        var w = Normal(rng, 32, 64, 3, 3).Mul(Tensor.Scalar(0.05));
        var b = Normal(rng, 32);
        using (ConvAlgorithm.UseWinograd()) F.Conv2d(x, w, b, padding: 1).Sum().Backward();
        var x64 = x.Detach().To(DType.Float64).RequiresGrad_();
        F.Conv2d(x64, w.To(DType.Float64), b.To(DType.Float64), padding: 1).Sum().Backward();
        Assert.Null(w.Grad);
        Assert.Null(b.Grad);
        var bound = F.ConvTranspose2d(Tensor.Full([1, 32, 9, 11], 1.0, DType.Float64), w.To(DType.Float64).Abs(), null, padding: 1);
        Assert.InRange(ErrorInEps(x.Grad!, x64.Grad!, bound), 0, 64);
    }

    [Fact]
    public void OutsideTheScopeAndWhereItDoesNotApplyTheConvolutionIsLibtorchsOwn()
    {
        if (!ConvAlgorithm.WinogradAvailable) return;   // UnavailableWinogradIsAClearError covers this machine
        using var scope = LibTorch.NewDisposeScope();
        var rng = new Random(7);
        var x = Normal(rng, 2, 64, 10, 10);
        var w = Normal(rng, 64, 64, 3, 3).Mul(Tensor.Scalar(0.05));
        var b = Normal(rng, 64);
        var direct = F.Conv2d(x, w, b, padding: 1);
        var cl = x.Contiguous(MemoryFormat.ChannelsLast);
        var clDirect = F.Conv2d(cl, w, b, padding: 1);

        using (ConvAlgorithm.UseWinograd())
        {
            Assert.True(ConvAlgorithm.WinogradEnabled);
            using (ConvAlgorithm.UseWinograd(false)) Assert.True(Same(F.Conv2d(x, w, b, padding: 1), direct));
            Assert.True(ConvAlgorithm.WinogradEnabled);
            // channels_last input, stride 2, 3 input channels, float64, and bf16 autocast keep libtorch's path.
            Assert.True(Same(F.Conv2d(cl, w, b, padding: 1), clDirect));
            using (ConvAlgorithm.UseWinograd(false))
            {
                var stride2 = F.Conv2d(x, w, b, stride: 2, padding: 1);
                var rgb = F.Conv2d(x.Narrow(1, 0, 3).Contiguous(), w.Narrow(1, 0, 3).Contiguous(), b, padding: 1);
                using (ConvAlgorithm.UseWinograd())
                {
                    Assert.True(Same(F.Conv2d(x, w, b, stride: 2, padding: 1), stride2));
                    Assert.True(Same(F.Conv2d(x.Narrow(1, 0, 3).Contiguous(), w.Narrow(1, 0, 3).Contiguous(), b, padding: 1), rgb));
                }
            }
            using (LibTorch.Autocast(DeviceType.Cpu, DType.BFloat16))
                Assert.Equal(DType.BFloat16, F.Conv2d(x, w, b, padding: 1).DType);
        }
        Assert.False(ConvAlgorithm.WinogradEnabled);
        Assert.True(Same(F.Conv2d(x, w, b, padding: 1), direct));
    }

    [Fact]
    public void ScratchpadLimitKeepsLargerLayersOnDirectKernels()
    {
        if (!ConvAlgorithm.WinogradAvailable) return;   // UnavailableWinogradIsAClearError covers this machine
        using var scope = LibTorch.NewDisposeScope();
        var sizes = ConvAlgorithm.WinogradScratchpadBytes(1, 64, 64, 32, 32);
        Assert.NotNull(sizes);
        var (forward, _, backwardWeights) = sizes.Value;
        Assert.True(forward > 0, "a Winograd forward transforms its tiles in a scratchpad");
        var rng = new Random(5);
        var x = Normal(rng, 1, 64, 32, 32);
        var w = Normal(rng, 64, 64, 3, 3).Mul(Tensor.Scalar(0.05));
        var b = Normal(rng, 64);
        var direct = F.Conv2d(x, w, b, padding: 1);

        // No gradient: only the forward's scratchpad counts.
        using (ConvAlgorithm.UseWinograd(maxScratchpadBytes: forward)) Assert.False(Same(F.Conv2d(x, w, b, padding: 1), direct));
        using (ConvAlgorithm.UseWinograd(maxScratchpadBytes: forward - 1)) Assert.True(Same(F.Conv2d(x, w, b, padding: 1), direct));
        using (ConvAlgorithm.UseWinograd()) Assert.False(Same(F.Conv2d(x, w, b, padding: 1), direct));

        // A weight that wants its gradient adds the backward-weights pass's scratchpad to what the layer needs.
        if (backwardWeights > forward)
        {
            var trainable = w.Detach().RequiresGrad_();
            using (ConvAlgorithm.UseWinograd(maxScratchpadBytes: forward))
                Assert.True(Same(F.Conv2d(x, trainable, b, padding: 1).Detach(), direct));
            using (ConvAlgorithm.UseWinograd(maxScratchpadBytes: backwardWeights))
                Assert.False(Same(F.Conv2d(x, trainable, b, padding: 1).Detach(), direct));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => ConvAlgorithm.UseWinograd(maxScratchpadBytes: 0));
    }

    [Fact]
    public void AnotherThreadKeepsItsOwnChoice()
    {
        if (!ConvAlgorithm.WinogradAvailable) return;   // UnavailableWinogradIsAClearError covers this machine
        using (ConvAlgorithm.UseWinograd())
        {
            bool elsewhere = true;
            var thread = new Thread(() => elsewhere = ConvAlgorithm.WinogradEnabled);
            thread.UnsafeStart();   // no ExecutionContext flows: a thread the scope did not start
            thread.Join();
            Assert.False(elsewhere);
        }
    }

    [Fact]
    public void GradientOfAGradientFallsBackToLibtorchsDifferentiableBackward()
    {
        if (!ConvAlgorithm.WinogradAvailable) return;   // UnavailableWinogradIsAClearError covers this machine
        using var scope = LibTorch.NewDisposeScope();
        var rng = new Random(11);
        var x = Normal(rng, 1, 32, 6, 6).RequiresGrad_();
        var w = Normal(rng, 32, 32, 3, 3).Mul(Tensor.Scalar(0.05)).Detach().RequiresGrad_();
        Tensor Penalty()
        {
            var y = F.Conv2d(x, w, null, padding: 1);
            var gx = Autograd.Grad(y.Pow(2).Sum(), x, createGraph: true);
            return gx.Pow(2).Sum();
        }
        Tensor wino;
        using (ConvAlgorithm.UseWinograd()) wino = Autograd.Grad(Penalty(), w);
        var direct = Autograd.Grad(Penalty(), w);
        var scale = direct.Abs().Max().Item();
        Assert.InRange(wino.Sub(direct).Abs().Max().Item() / scale, 0, 1e-4);
    }

    [Fact]
    public void UnavailableWinogradIsAClearError()
    {
        if (ConvAlgorithm.WinogradAvailable)
        {
            using (ConvAlgorithm.UseWinograd()) Assert.True(ConvAlgorithm.WinogradEnabled);
            return;
        }
        var e = Assert.Throws<InvalidOperationException>(() => ConvAlgorithm.UseWinograd());
        Assert.Contains("libdnnl-dev", e.Message);
    }
}

namespace SrTrain.Torch.Tests;

/// <summary>F.Dropout: identity when p = 0 or not training, PyTorch's mask for the same seed
/// (fixture tests/fixtures/ops/dropout_seeded.json; regenerate with
/// <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>), and the statistics of p &gt; 0.</summary>
[Collection(TensorSeedCollection.Name)]
public class FunctionalDropoutTests
{
    [Theory]
    [InlineData(0.0, true)]
    [InlineData(0.5, false)]
    public void IsIdentityWithZeroPOrOutsideTraining(double p, bool training)
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.Randn([2, 3, 4, 4]).RequiresGrad_();
        var y = F.Dropout(x, p, training);
        TensorAssert.Equal(x, y);
        y.Sum().Backward();
        TensorAssert.Equal(x.OnesLike(), x.Grad!);
    }

    [Fact]
    public void DrawsPyTorchsMaskForTheSameSeed()
    {
        using var fixture = TensorFixture.Load("ops/dropout_seeded.json");
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed((ulong)fixture.Number("seed"));
        TensorAssert.Equal(fixture["y"], F.Dropout(fixture["x"], fixture.Number("p")));
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.7)]
    public void ZeroesAboutPAndRescalesTheRestBy1OverOneMinusP(double p)
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(123);
        const int n = 200_000;
        var x = Tensor.Full([n], 3.0).RequiresGrad_();
        var y = F.Dropout(x, p);
        var values = y.ToArray<float>();
        double zeros = values.Count(v => v == 0) / (double)n;
        // Binomial standard deviation sqrt(p(1-p)/n) is about 1e-3: 5 sigma.
        Assert.InRange(zeros, p - 5e-3, p + 5e-3);
        float kept = (float)(3.0 / (1 - p));
        Assert.All(values.Where(v => v != 0), v => Assert.Equal(kept, v, 1e-5f));
        // The expectation is preserved, and the gradient is the same mask, scaled.
        Assert.InRange(y.Mean().Item(), 3.0 - 0.05, 3.0 + 0.05);
        y.Backward(y.OnesLike());
        var grad = x.Grad!.ToArray<float>();
        for (int i = 0; i < n; i++) Assert.Equal(values[i] == 0 ? 0f : (float)(1 / (1 - p)), grad[i], 1e-5f);
    }
}

namespace SrTrain.Torch.Tests;

/// <summary>RequiresGrad/Backward/Grad through a composite expression against PyTorch's gradients
/// (fixture tests/fixtures/ops/tensor_autograd.json; regenerate with
/// <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>), plus Detach, Clone and NoGrad semantics.</summary>
public class TensorAutogradTests
{
    [Fact]
    public void CompositeExpressionGradientsMatchPyTorch()
    {
        using var f = TensorFixture.Load("ops/tensor_autograd.json");
        using var scope = LibTorch.NewDisposeScope();
        var a = f["a"].Clone().RequiresGrad_();
        var b = f["b"].Clone().RequiresGrad_();
        Assert.True(a.RequiresGrad && a.IsLeaf);
        Assert.Null(a.Grad);
        var y = ((a * b + a.Pow(2) / b - a.Sqrt() + 2.0 / b).Exp().Log() * a.Abs()).Mean();
        Assert.False(y.IsLeaf);
        TensorAssert.Close(f["y"], y, what: "value");
        y.Backward();
        TensorAssert.Close(f["g_a"], a.Grad!, what: "grad a");
        TensorAssert.Close(f["g_b"], b.Grad!, what: "grad b");
    }

    [Fact]
    public void ScalarByTensorDivisionIsDifferentiable()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.From(new[] { 0.5f, 2f, -4f }).RequiresGrad_();
        (3.0 / x).Sum().Backward();
        // d(3/x)/dx = -3/x^2
        Assert.Equal(new[] { -12f, -0.75f, -0.1875f }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.From(new[] { 1f, 2f }).RequiresGrad_();
        (x * x).Sum().Backward();
        (x * 3).Sum().Backward();
        Assert.Equal(new[] { 5f, 7f }, x.Grad!.ToArray<float>());
        var y = x * 2;
        y.Backward(Tensor.From(new[] { 1f, 10f }));
        Assert.Equal(new[] { 7f, 27f }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void DetachCutsTheGraphAndSharesData()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.From(new[] { 1f, 2f }).RequiresGrad_();
        var d = (x * 2).Detach();
        Assert.False(d.RequiresGrad);
        var y = x * 2;
        Assert.True(y.Detach().SharesStorageWith(y));
        // Only the attached path contributes: d/dx (x*d + x) = d + 1.
        (x * d + x).Sum().Backward();
        Assert.Equal(new[] { 3f, 5f }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void CloneCopiesDataAndStaysDifferentiable()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.From(new[] { 1f, 2f }).RequiresGrad_();
        var c = x.Clone();
        Assert.False(c.SharesStorageWith(x));
        Assert.True(c.RequiresGrad);
        (c * c).Sum().Backward();
        Assert.Equal(new[] { 2f, 4f }, x.Grad!.ToArray<float>());
        var plain = Tensor.From(new[] { 1f });
        plain.Clone().Fill_(5);
        Assert.Equal(1f, plain.ToSingle());
    }

    [Fact]
    public void NoGradScopeRecordsNothingAndRestores()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.From(new[] { 1f, 2f }).RequiresGrad_();
        Assert.True(LibTorch.IsGradEnabled);
        Tensor y;
        using (LibTorch.NoGrad())
        {
            Assert.False(LibTorch.IsGradEnabled);
            y = x * 2;
            using (LibTorch.EnableGrad()) Assert.True((x * 2).RequiresGrad);
            Assert.False(LibTorch.IsGradEnabled);
        }
        Assert.True(LibTorch.IsGradEnabled);
        Assert.False(y.RequiresGrad);
        Assert.True((x * 2).RequiresGrad);
        var ex = Assert.Throws<TorchException>(() => y.Sum().Backward());
        Assert.Contains("does not require grad", ex.Message);
    }
}

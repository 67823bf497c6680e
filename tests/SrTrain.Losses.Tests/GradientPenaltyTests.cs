using SrTrain.Losses;

namespace SrTrain.Losses.Tests;

/// <summary>WGAN-GP and R1 penalties on a small smooth discriminator, against PyTorch's autograd.grad
/// (tests/fixtures/make_losses.py, fixture losses/penalties.json): value and gradient w.r.t. D's weights.</summary>
public class GradientPenaltyTests
{
    private static readonly Lazy<TensorFixture> Data = new(() => TensorFixture.Load("losses/penalties.json"));

    private static Func<Tensor, Tensor> ToyDiscriminator(Tensor w, Tensor v) =>
        x => (F.Tanh(F.Conv2d(x, w, padding: 1)) * v).Sum([1, 2, 3]).Unsqueeze(1);

    [Fact]
    public void WganGpMatchesPyTorch()
    {
        using var scope = LibTorch.NewDisposeScope();
        var d = Data.Value;
        var w = d["w"].To(DType.Float64).RequiresGrad_();
        var penalty = GradientPenalty.WganGp(ToyDiscriminator(w, d["v"].To(DType.Float64)), d["real"].To(DType.Float64),
                                             d["fake"].To(DType.Float64), d["alpha"].To(DType.Float64));
        penalty.Backward();
        TensorAssert.Close(d["gp_value"], penalty, Tolerance.Layer, what: "WGAN-GP value");
        TensorAssert.Close(d["gp_grad_w"], w.Grad!, Tolerance.Layer, what: "WGAN-GP gradient w.r.t. D's weights");
    }

    [Fact]
    public void R1MatchesPyTorch()
    {
        using var scope = LibTorch.NewDisposeScope();
        var d = Data.Value;
        var w = d["w"].To(DType.Float64).RequiresGrad_();
        var real = d["real"].To(DType.Float64).RequiresGrad_();
        var penalty = GradientPenalty.R1(ToyDiscriminator(w, d["v"].To(DType.Float64))(real), real);
        penalty.Backward();
        TensorAssert.Close(d["r1_value"], penalty, Tolerance.Layer, what: "R1 value");
        TensorAssert.Close(d["r1_grad_w"], w.Grad!, Tolerance.Layer, what: "R1 gradient w.r.t. D's weights");
    }

    [Fact]
    public void R1RejectsImagesWithoutGrad()
    {
        using var scope = LibTorch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => GradientPenalty.R1(Tensor.Zeros([2, 1]), Tensor.Zeros([2, 3, 4, 4])));
        Assert.Contains("require grad", ex.Message);
    }
}

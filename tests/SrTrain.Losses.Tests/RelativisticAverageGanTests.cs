using SrTrain.Losses;

namespace SrTrain.Losses.Tests;

/// <summary>ESRGAN's relativistic average losses against the paper's formulas (ESRGAN eqs. 1-2),
/// computed here in doubles from fixed discriminator outputs.</summary>
public class RelativisticAverageGanTests
{
    private static readonly float[] Real = [1.5f, -0.25f, 0.75f, 2.0f];
    private static readonly float[] Fake = [-1.0f, 0.5f, -2.25f, 0.1f];

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>E over a of log(D_Ra(a, b)) or log(1 - D_Ra(a, b)), D_Ra(a, b) = sigmoid(C(a) - E[C(b)]).</summary>
    private static double MeanLog(float[] a, float[] b, bool complement) =>
        a.Average(v => Math.Log(complement ? 1 - Sigmoid(v - b.Average(x => (double)x)) : Sigmoid(v - b.Average(x => (double)x))));

    [Fact]
    public void DiscriminatorLossIsThePapersLD()
    {
        using var scope = LibTorch.NewDisposeScope();
        var (real, fake) = RelativisticAverageGan.DiscriminatorLoss(new GanLoss(GanType.Vanilla, lossWeight: 0.005),
                                                                    Tensor.From(Real, [4, 1]), Tensor.From(Fake, [4, 1]));
        double paperReal = -MeanLog(Real, Fake, complement: false);
        double paperFake = -MeanLog(Fake, Real, complement: true);
        Assert.Equal(paperReal, real.Item(), 5);
        Assert.Equal(paperFake, fake.Item(), 5);
        Assert.Equal(paperReal + paperFake, (real + fake).Item(), 5);
    }

    [Fact]
    public void GeneratorLossIsThePapersLGTimesLossWeight()
    {
        using var scope = LibTorch.NewDisposeScope();
        var (real, fake) = RelativisticAverageGan.GeneratorLoss(new GanLoss(GanType.Vanilla, lossWeight: 0.005),
                                                                Tensor.From(Real, [4, 1]), Tensor.From(Fake, [4, 1]));
        double paper = -MeanLog(Real, Fake, complement: true) - MeanLog(Fake, Real, complement: false);
        Assert.Equal(0.005 * paper, (real + fake).Item(), 8);
    }

    [Fact]
    public void GeneratorGradientFlowsThroughFakePredictionsOfBothTerms()
    {
        using var scope = LibTorch.NewDisposeScope();
        var realPred = Tensor.From(Real, [4, 1]);
        var fakePred = Tensor.From(Fake, [4, 1]).RequiresGrad_();
        var (real, _) = RelativisticAverageGan.GeneratorLoss(new GanLoss(GanType.Vanilla), realPred, fakePred);
        real.Backward();
        // d/dC(x_f) of -E_r[log(1 - sigmoid(C(x_r) - mean C(x_f)))] = -(1/n) * E_r[sigmoid(C(x_r) - mean C(x_f))]
        double meanFake = Fake.Average(v => (double)v);
        double expected = -Real.Average(v => Sigmoid(v - meanFake)) / Fake.Length;
        foreach (var g in fakePred.Grad!.ToArray<float>()) Assert.Equal(expected, g, 6);
    }

    [Fact]
    public void DiscriminatorTermsBackpropagateThroughTheirOwnPredictionsOnly()
    {
        using var scope = LibTorch.NewDisposeScope();
        var realPred = Tensor.From(Real, [4, 1]).RequiresGrad_();
        var fakePred = Tensor.From(Fake, [4, 1]).RequiresGrad_();
        var (real, _) = RelativisticAverageGan.DiscriminatorLoss(new GanLoss(GanType.Vanilla), realPred, fakePred);
        real.Backward();
        Assert.Null(fakePred.Grad);
        Assert.NotNull(realPred.Grad);
    }
}

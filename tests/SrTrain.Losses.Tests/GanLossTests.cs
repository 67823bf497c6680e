using SrTrain.Abstractions.Registry;
using SrTrain.Losses;

namespace SrTrain.Losses.Tests;

/// <summary>GANLoss against each gan_type's formula in PyTorch (tests/fixtures/make_losses.py, fixture
/// losses/gan.json; regenerate with <c>/usr/bin/python3 tests/fixtures/make_losses.py</c>).</summary>
public class GanLossTests
{
    private static readonly Lazy<TensorFixture> Data = new(() => TensorFixture.Load("losses/gan.json"));

    public static IEnumerable<object[]> Cases() =>
        from type in new[] { "vanilla", "lsgan", "wgan", "wgan_softplus", "hinge" }
        from labels in new[] { (1.0, 0.0), (0.9, 0.1) }
        from real in new[] { true, false }
        from disc in new[] { true, false }
        select new object[] { type, labels.Item1, labels.Item2, real, disc };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValueAndGradientMatchPyTorch(string ganType, double realVal, double fakeVal, bool targetIsReal, bool isDisc)
    {
        using var scope = LibTorch.NewDisposeScope();
        var gan = TypeRegistry.Create<GanLoss>(RegistryKind.Loss, new Dictionary<string, object?>
        {
            ["type"] = "GANLoss", ["gan_type"] = ganType, ["real_label_val"] = realVal, ["fake_label_val"] = fakeVal, ["loss_weight"] = 0.5,
        }, "train.gan_opt");
        var input = Data.Value["input"].Clone().RequiresGrad_();
        var loss = gan.Forward(input, targetIsReal, isDisc);
        loss.Backward();
        string tag = $"{ganType}_{realVal:0.0}_{fakeVal:0.0}_{(targetIsReal ? "real" : "fake")}_{(isDisc ? "d" : "g")}";
        TensorAssert.Close(Data.Value[tag + "_value"], loss, Tolerance.Layer, what: tag + " value");
        TensorAssert.Close(Data.Value[tag + "_grad"], input.Grad!, Tolerance.Layer, what: tag + " gradient");
    }

    [Fact]
    public void MisspelledGanTypeNamesTheValidOnes()
    {
        var ex = Assert.Throws<OptionException>(() => TypeRegistry.Create<GanLoss>(RegistryKind.Loss,
            new Dictionary<string, object?> { ["type"] = "GANLoss", ["gan_type"] = "wgan_softpuls" }, "train.gan_opt"));
        Assert.Contains("wgan_softplus", ex.Message);
    }
}

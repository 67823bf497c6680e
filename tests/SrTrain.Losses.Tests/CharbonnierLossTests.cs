using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Losses;

namespace SrTrain.Losses.Tests;

/// <summary>CharbonnierLoss against its formula in PyTorch (tests/fixtures/make_losses.py, fixture losses/pixel.json).</summary>
public class CharbonnierLossTests
{
    public static IEnumerable<object[]> Cases() => PixelLossParity.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValueAndGradientMatchPyTorchWithDefaultEps(double lossWeight, string reduction, string weight) =>
        PixelLossParity.Check(new CharbonnierLoss(lossWeight, PixelLossParity.ParseReduction(reduction)),
                              $"charbonnier_{lossWeight:0.0}_{reduction}_{weight}", reduction, weight);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValueAndGradientMatchPyTorchWithLargeEps(double lossWeight, string reduction, string weight) =>
        PixelLossParity.Check(new CharbonnierLoss(lossWeight, PixelLossParity.ParseReduction(reduction), eps: 1e-3),
                              $"charbonnier_eps_{lossWeight:0.0}_{reduction}_{weight}", reduction, weight);

    [Fact]
    public void DefaultEpsIsBasicSrs()
    {
        var loss = Assert.IsType<CharbonnierLoss>(TypeRegistry.Create<IPixelLoss>(RegistryKind.Loss,
            new Dictionary<string, object?> { ["type"] = "CharbonnierLoss", ["reduction"] = "mean" }, "train.pixel_opt"));
        Assert.Equal(1e-12, loss.Eps);
    }
}

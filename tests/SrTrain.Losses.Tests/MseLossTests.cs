using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Losses;

namespace SrTrain.Losses.Tests;

/// <summary>MSELoss against its formula in PyTorch (tests/fixtures/make_losses.py, fixture losses/pixel.json).</summary>
public class MseLossTests
{
    public static IEnumerable<object[]> Cases() => PixelLossParity.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValueAndGradientMatchPyTorch(double lossWeight, string reduction, string weight) =>
        PixelLossParity.Check(new MseLoss(lossWeight, PixelLossParity.ParseReduction(reduction)),
                              $"mse_{lossWeight:0.0}_{reduction}_{weight}", reduction, weight);

    [Fact]
    public void RegisteredUnderBasicSrName() =>
        Assert.IsType<MseLoss>(TypeRegistry.Create<IPixelLoss>(RegistryKind.Loss,
            new Dictionary<string, object?> { ["type"] = "MSELoss", ["loss_weight"] = 1.0 }, "train.pixel_opt"));
}

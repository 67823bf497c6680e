using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Losses;

namespace SrTrain.Losses.Tests;

/// <summary>L1Loss against its formula in PyTorch (tests/fixtures/make_losses.py, fixture losses/pixel.json).</summary>
public class L1LossTests
{
    public static IEnumerable<object[]> Cases() => PixelLossParity.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValueAndGradientMatchPyTorch(double lossWeight, string reduction, string weight) =>
        PixelLossParity.Check(new L1Loss(lossWeight, PixelLossParity.ParseReduction(reduction)),
                              $"l1_{lossWeight:0.0}_{reduction}_{weight}", reduction, weight);

    [Fact]
    public void BuildsFromBasicSrOptions()
    {
        var loss = TypeRegistry.Create<IPixelLoss>(RegistryKind.Loss, new Dictionary<string, object?>
        {
            ["type"] = "L1Loss", ["loss_weight"] = "0.5", ["reduction"] = "sum",
        }, "train.pixel_opt");
        var l1 = Assert.IsType<L1Loss>(loss);
        Assert.Equal(0.5, l1.LossWeight);
        Assert.Equal(Reduction.Sum, l1.Reduction);
    }

    [Fact]
    public void MisfittingWeightIsRejectedWithShapes()
    {
        using var scope = LibTorch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => new L1Loss().Forward(Tensor.Zeros([2, 3, 4, 4]), Tensor.Zeros([2, 3, 4, 4]), Tensor.Ones([2, 2, 4, 4])));
        Assert.Contains("[2, 2, 4, 4]", ex.Message);
    }
}

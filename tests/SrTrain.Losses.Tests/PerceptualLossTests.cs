using SrTrain.Core.Registry;
using SrTrain.Losses;

namespace SrTrain.Losses.Tests;

/// <summary>PerceptualLoss against PyTorch on a seeded random VGG saved as torchvision's layout at test
/// time (tests/fixtures/make_losses.py, vgg_case): loss values and the gradient w.r.t. the SR image.</summary>
public class PerceptualLossTests
{
    public static IEnumerable<object[]> Cases() =>
    [
        ["esrgan", "vgg19", new Dictionary<string, double> { ["conv5_4"] = 1.0 }, true, false, "l1", 1.0, 0.0],
        ["srgan", "vgg19", new Dictionary<string, double> { ["relu5_4"] = 1.0 }, true, false, "l2", 0.006, 0.0],
        ["style_fro", "vgg19", new Dictionary<string, double> { ["conv1_2"] = 0.1, ["conv3_4"] = 1.0, ["relu4_4"] = 0.5 }, false, true, "fro", 1.0, 2.0],
        ["vgg16_style_l1", "vgg16", new Dictionary<string, double> { ["relu2_2"] = 1.0, ["conv4_3"] = 0.25 }, true, false, "l1", 0.5, 10.0],
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValuesAndGradientMatchPyTorch(string name, string vggType, Dictionary<string, double> layers, bool useInputNorm,
                                              bool rangeNorm, string criterion, double percepWeight, double styleWeight)
    {
        var dir = VggReference.Make(vggType, layers, useInputNorm, rangeNorm, criterion, percepWeight, styleWeight);
        using var scope = LibTorch.NewDisposeScope();
        using var loss = TypeRegistry.Create<PerceptualLoss>(RegistryKind.Loss, new Dictionary<string, object?>
        {
            ["type"] = "PerceptualLoss", ["layer_weights"] = layers.ToDictionary(p => p.Key, p => (object?)p.Value), ["vgg_type"] = vggType,
            ["use_input_norm"] = useInputNorm, ["range_norm"] = rangeNorm, ["perceptual_weight"] = percepWeight,
            ["style_weight"] = styleWeight, ["criterion"] = criterion, ["vgg_pretrained_path"] = Path.Combine(dir, "vgg.pth"),
        }, "train.perceptual_opt");
        using var reference = TensorFixture.Load(Path.Combine(dir, "ref.json"));
        var x = reference["x"].Clone().RequiresGrad_();
        var gt = reference["gt"].Clone().RequiresGrad_();
        var (percep, style) = loss.Forward(x, gt);
        Assert.NotNull(percep);
        TensorAssert.Close(reference["percep"], percep!, 1e-5, what: name + " perceptual loss");
        var total = percep!;
        if (styleWeight > 0)
        {
            TensorAssert.Close(reference["style"], style!, 1e-5, what: name + " style loss");
            total = total + style!;
        }
        else Assert.Null(style);
        total.Backward();
        // float32 backprop through 16 convolutions: judge small elements against the gradient's scale.
        var expectedGrad = reference["grad_x"];
        TensorAssert.Close(expectedGrad, x.Grad!, 1e-4, atol: 1e-5 * expectedGrad.Abs().Max().Item(), what: name + " gradient w.r.t. x");
        Assert.Null(gt.Grad);                                           // GT features carry no graph
        Assert.All(loss.Vgg.Parameters(), p => Assert.Null(p.Grad));    // the VGG stays frozen
    }

    [Fact]
    public void VggStaysInEvalModeWhenTheLossIsSetToTrain()
    {
        using var loss = new PerceptualLoss(new() { ["relu1_1"] = 1.0 }, vggPretrained: false);
        loss.Train();
        Assert.False(loss.Vgg.Training);
        Assert.Contains("vgg.vgg_net.conv1_1.weight", loss.StateDict().Keys);
    }
}

using SrTrain.Abstractions.Registry;
using SrTrain.Losses;

namespace SrTrain.Losses.Tests;

/// <summary>PerceptualLoss against PyTorch on a seeded random VGG saved as torchvision's layout at test
/// time (tests/fixtures/make_losses.py, vgg_case): loss values and the gradient w.r.t. the SR image.</summary>
public sealed class PerceptualLossTests(PerceptualLossTests.Reference reference) : IClassFixture<PerceptualLossTests.Reference>
{
    private static readonly Dictionary<string, VggCase> Cases = new VggCase[]
    {
        new("esrgan", "vgg19", new() { ["conv5_4"] = 1.0 }),
        new("srgan", "vgg19", new() { ["relu5_4"] = 1.0 }, Criterion: "l2", PercepW: 0.006),
        new("style_fro", "vgg19", new() { ["conv1_2"] = 0.1, ["conv3_4"] = 1.0, ["relu4_4"] = 0.5 }, UseInputNorm: false, RangeNorm: true,
            Criterion: "fro", StyleW: 2.0),
        new("vgg16_style_l1", "vgg16", new() { ["relu2_2"] = 1.0, ["conv4_3"] = 0.25 }, PercepW: 0.5, StyleW: 10.0),
    }.ToDictionary(c => c.Name);

    /// <summary>The Python references of all cases, made once for the class.</summary>
    public sealed class Reference() : IDisposable
    {
        public VggReference Data { get; } = new(Cases.Values);
        public void Dispose() => Data.Dispose();
    }

    [Theory]
    [InlineData("esrgan")]
    [InlineData("srgan")]
    [InlineData("style_fro")]
    [InlineData("vgg16_style_l1")]
    public void ValuesAndGradientMatchPyTorch(string name)
    {
        var c = Cases[name];
        var (vggType, layers, useInputNorm, rangeNorm, criterion, percepWeight, styleWeight) =
            (c.VggType, c.Layers, c.UseInputNorm, c.RangeNorm, c.Criterion, c.PercepW, c.StyleW);
        using var scope = LibTorch.NewDisposeScope();
        using var loss = TypeRegistry.Create<PerceptualLoss>(RegistryKind.Loss, new Dictionary<string, object?>
        {
            ["type"] = "PerceptualLoss", ["layer_weights"] = layers.ToDictionary(p => p.Key, p => (object?)p.Value), ["vgg_type"] = vggType,
            ["use_input_norm"] = useInputNorm, ["range_norm"] = rangeNorm, ["perceptual_weight"] = percepWeight,
            ["style_weight"] = styleWeight, ["criterion"] = criterion, ["vgg_pretrained_path"] = reference.Data.WeightsPath(vggType),
        }, "train.perceptual_opt");
        using var expected = reference.Data.Reference(name);
        var x = expected["x"].Clone().RequiresGrad_();
        var gt = expected["gt"].Clone().RequiresGrad_();
        var (percep, style) = loss.Forward(x, gt);
        Assert.NotNull(percep);
        TensorAssert.Close(expected["percep"], percep!, Tolerance.Layer, what: name + " perceptual loss");
        var total = percep!;
        if (styleWeight > 0)
        {
            TensorAssert.Close(expected["style"], style!, Tolerance.Layer, what: name + " style loss");
            total = total + style!;
        }
        else Assert.Null(style);
        total.Backward();
        // float32 backprop through 16 convolutions: judge small elements against the gradient's scale.
        var expectedGrad = expected["grad_x"];
        TensorAssert.Close(expectedGrad, x.Grad!, Tolerance.Network, what: name + " gradient w.r.t. x");
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

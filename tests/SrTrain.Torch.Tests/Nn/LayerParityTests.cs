using SrTrain.Torch.Nn;

namespace SrTrain.Torch.Tests.Nn;

/// <summary>Every layer in SrTrain.Torch.Nn, loaded with PyTorch's weights, gives PyTorch's output and
/// input gradient (loss = sum(y * linspace(-1, 1))). Reference: tests/fixtures/nn/layers.json,
/// regenerate with <c>/usr/bin/python3 tests/fixtures/make_nn.py</c>.</summary>
public class LayerParityTests
{
    public static TheoryData<string> Layers => new(LayerFactory.Keys);

    /// <summary>The same constructions as <c>layers_fixture</c> in make_nn.py.</summary>
    private static readonly Dictionary<string, Func<Module>> LayerFactory = new()
    {
        ["conv"] = () => new Conv2d(4, 6, 3, padding: 1),
        ["conv_strided"] = () => new Conv2d(4, 6, 3, stride: 2, padding: 2, dilation: 2),
        ["conv_groups_nobias"] = () => new Conv2d(4, 6, 3, groups: 2, bias: false),
        ["convt"] = () => new ConvTranspose2d(4, 6, 3, stride: 2, padding: 1, outputPadding: 1),
        ["convt_groups"] = () => new ConvTranspose2d(4, 6, 4, stride: 2, padding: 1, groups: 2),
        ["linear"] = () => new Linear(5, 3),
        ["linear_nobias"] = () => new Linear(5, 3, bias: false),
        ["bn_eval"] = () => new BatchNorm2d(4).Eval(),
        ["prelu"] = () => new PReLU(),
        ["prelu_ch"] = () => new PReLU(4, init: 0.1),
        ["relu"] = () => new ReLU(),
        ["lrelu"] = () => new LeakyReLU(0.2),
        ["sigmoid"] = () => new Sigmoid(),
        ["tanh"] = () => new Tanh(),
        ["identity"] = () => new Identity(),
        ["pixelshuffle"] = () => new PixelShuffle(2),
        ["pixelunshuffle"] = () => new PixelUnshuffle(2),
        ["up_nearest"] = () => new Upsample(2, InterpolationMode.Nearest),
        ["up_bilinear"] = () => new Upsample(2, InterpolationMode.Bilinear),
        ["up_bicubic_ac"] = () => new Upsample(2, InterpolationMode.Bicubic, alignCorners: true),
        ["seq"] = () => new Sequential(new Conv2d(4, 8, 3, padding: 1), new LeakyReLU(0.1), new PixelShuffle(2)),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void ForwardAndInputGradientEqualPyTorchs(string name)
    {
        using var fx = TensorFixture.Load("nn/layers.json");
        using var layer = LayerFactory[name]();
        using var scope = LibTorch.NewDisposeScope();
        var prefix = $"w.{name}.";
        var weights = fx.Names.Where(n => n.StartsWith(prefix)).ToDictionary(n => n[prefix.Length..], n => fx[n]);
        layer.LoadStateDict(weights); // strict: the layer's state-dict keys are PyTorch's
        Assert.Equal(weights.Count, layer.StateDict().Count);

        var x = fx[$"x.{name}"].Clone().RequiresGrad_();
        var y = layer.Forward(x);
        TensorAssert.Close(fx[$"y.{name}"], y, Tolerance.Layer, what: $"{name} output");

        var weighting = Tensor.Linspace(-1, 1, y.NumEl).Reshape(y.Shape);
        (y * weighting).Sum().Backward();
        TensorAssert.Close(fx[$"gx.{name}"], x.Grad!, Tolerance.Layer, what: $"{name} input gradient");
    }

    [Fact]
    public void EveryFixtureLayerIsTested()
    {
        using var fx = TensorFixture.Load("nn/layers.json");
        var inFixture = fx.Names.Where(n => n.StartsWith("y.")).Select(n => n[2..]).Order();
        Assert.Equal(inFixture, LayerFactory.Keys.Order());
    }
}

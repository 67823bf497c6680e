using SrTrain.Archs;
using SrTrain.Abstractions.Registry;

namespace SrTrain.Archs.Tests;

/// <summary>VGGFeatureExtractor against PyTorch: a seeded random VGG in torchvision's layout is saved
/// to a temp .pth by tests/fixtures/make_losses.py (vgg_case) at test time, loaded through the
/// torchvision key layout, and the named layers' outputs compared.</summary>
public sealed class VggFeatureExtractorTests(VggFeatureExtractorTests.Reference reference) : IClassFixture<VggFeatureExtractorTests.Reference>
{
    private static readonly Dictionary<string, VggCase> Cases = new()
    {
        ["vgg19_norm"] = new("vgg19_norm", "vgg19", Layers("conv1_2", "relu2_2", "pool3", "conv5_4", "relu5_4"), PercepW: 0),
        ["vgg16_range"] = new("vgg16_range", "vgg16", Layers("relu1_1", "conv3_3", "pool4", "relu5_3"), UseInputNorm: false,
                              RangeNorm: true, PercepW: 0),
    };

    private static Dictionary<string, double> Layers(params string[] names) => names.ToDictionary(n => n, _ => 1.0);

    /// <summary>The Python references of all cases, made once for the class.</summary>
    public sealed class Reference() : IDisposable
    {
        public VggReference Data { get; } = new(Cases.Values);
        public void Dispose() => Data.Dispose();
    }

    [Theory]
    [InlineData("vgg19_norm")]
    [InlineData("vgg16_range")]
    public void NamedLayersMatchPyTorch(string caseName)
    {
        var c = Cases[caseName];
        var layers = c.Layers.Keys.ToArray();
        using var scope = LibTorch.NewDisposeScope();
        using var vgg = new VggFeatureExtractor(layers, c.VggType, c.UseInputNorm, c.RangeNorm, pretrainedPath: reference.Data.WeightsPath(c.VggType));
        using var expected = reference.Data.Reference(caseName);
        var features = vgg.Features(expected["x"]);
        Assert.Equal(layers, features.Keys);
        foreach (var layer in layers)
            TensorAssert.Close(expected["feat_" + layer], features[layer], Tolerance.Network, what: layer);
    }

    [Fact]
    public void StateDictKeysFollowBasicSr()
    {
        using var vgg = new VggFeatureExtractor(["relu2_1"], pretrained: false);
        Assert.Equal(["mean", "std", "vgg_net.conv1_1.weight", "vgg_net.conv1_1.bias", "vgg_net.conv1_2.weight",
                      "vgg_net.conv1_2.bias", "vgg_net.conv2_1.weight", "vgg_net.conv2_1.bias"], vgg.StateDict().Keys);
        Assert.Equal(5, vgg.TorchvisionIndex["conv2_1"]);
        Assert.All(vgg.Parameters(), p => Assert.False(p.RequiresGrad));
        Assert.False(vgg.Training);
    }

    /// <summary>Intermediates go back as the forward moves on (PyTorch frees them then): the caller's scope is left
    /// with the requested features only, with or without gradients, and the input is the caller's.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FeaturesLeaveOnlyTheRequestedOutputsInTheCallersScope(bool rangeNorm)
    {
        using var vgg = new VggFeatureExtractor(["relu1_2", "conv3_1"], rangeNorm: rangeNorm, pretrained: false);
        using var input = Tensor.Rand([1, 3, 16, 16]).DetachFromDisposeScope();
        foreach (var grad in new[] { false, true })
        {
            using var scope = LibTorch.NewDisposeScope();
            using var mode = grad ? LibTorch.EnableGrad() : LibTorch.NoGrad();
            var x = grad ? input.Detach().RequiresGrad_() : input;
            int before = scope.OwnedCount;
            var features = vgg.Features(x);
            Assert.Equal(before + 2, scope.OwnedCount);
            Assert.False(input.IsDisposed);
            Assert.Equal([1, 64, 16, 16], features["relu1_2"].Shape);
            Assert.Equal([1, 256, 4, 4], features["conv3_1"].Shape);
            if (grad)
            {
                // Backward still reaches the input through the disposed intermediates: autograd holds its own references.
                using var sum = features["conv3_1"].Sum();
                sum.Backward();
                Assert.NotNull(x.Grad);
            }
        }
    }

    [Fact]
    public void MissingWeightsSayWhatToPutWhere()
    {
        var cwd = Environment.CurrentDirectory;
        var empty = RepoPaths.NewTempDir("vgg-missing");
        try
        {
            Environment.CurrentDirectory = empty;
            var ex = Assert.Throws<FileNotFoundException>(() => new VggFeatureExtractor(["conv5_4"]));
            Assert.Contains("experiments/pretrained_models/vgg19-dcbb9e9d.pth", ex.Message);
            Assert.Contains("pretrained_path", ex.Message);
            var ex16 = Assert.Throws<FileNotFoundException>(() => new VggFeatureExtractor(["conv5_3"], "vgg16"));
            Assert.Contains("vgg16-397923af.pth", ex16.Message);
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
        }
    }

    [Fact]
    public void UnknownLayerNamesTheNearest()
    {
        var ex = Assert.Throws<ArgumentException>(() => new VggFeatureExtractor(["conv5_5"], pretrained: false));
        Assert.Contains("conv5_4", ex.Message);
    }

    [Fact]
    public void BuildsFromOptions()
    {
        using var vgg = TypeRegistry.Create<VggFeatureExtractor>(RegistryKind.Arch, new Dictionary<string, object?>
        {
            ["type"] = "VGGFeatureExtractor", ["layer_name_list"] = new List<object?> { "relu1_1" }, ["vgg_type"] = "vgg19",
            ["use_input_norm"] = "false", ["pretrained"] = "false",
        }, "network_f");
        Assert.Equal(["vgg_net.conv1_1.weight", "vgg_net.conv1_1.bias"], vgg.StateDict().Keys);
    }
}

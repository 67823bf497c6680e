using SrTrain.Losses;

namespace SrTrain.Losses.Tests;

/// <summary>Errors about the VGG weights of a PerceptualLoss name the loss's own option keys
/// (vgg_pretrained, vgg_pretrained_path), which are what the user wrote in perceptual_opt.</summary>
public sealed class PerceptualLossKeyErrorTests
{
    private static readonly Dictionary<string, double> Layers = new() { ["conv1_2"] = 1.0 };

    [Fact]
    public void MissingWeightsFileNamesVggPretrainedPath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "srtrain-no-such-dir", "vgg19.pth");
        var ex = Assert.Throws<FileNotFoundException>(() => new PerceptualLoss(Layers, vggPretrainedPath: missing));
        Assert.Contains("(vgg_pretrained_path)", ex.Message);
        Assert.Contains(missing, ex.Message);
    }

    [Fact]
    public void RandomVggWithAPathNamesBothKeys()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PerceptualLoss(Layers, vggPretrained: false, vggPretrainedPath: "w.pth"));
        Assert.StartsWith("vgg_pretrained: false contradicts vgg_pretrained_path 'w.pth'", ex.Message);
    }
}

using SrTrain.Torch.Nn;

namespace SrTrain.Torch.Tests.Nn;

/// <summary>Layer sizes that come from options are checked when the layer is built, not at its first forward.</summary>
public class LayerArgumentTests
{
    [Theory]
    [InlineData(0, 8, 3, 1, 1)]
    [InlineData(8, 0, 3, 1, 1)]
    [InlineData(8, -4, 3, 1, 1)]
    [InlineData(8, 8, 0, 1, 1)]
    [InlineData(8, 8, 3, 0, 1)]
    [InlineData(8, 8, 3, 1, 0)]
    public void Conv2dRejectsSizesBelowOne(long inCh, long outCh, int kernel, int stride, int groups)
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2d(inCh, outCh, kernel, stride: stride, groups: groups));
        Assert.StartsWith("Conv2d: channels", e.Message);
    }

    [Fact]
    public void LinearRejectsZeroFeatures() =>
        Assert.Contains("must be >= 1", Assert.Throws<ArgumentException>(() => new Linear(0, 4)).Message);
}

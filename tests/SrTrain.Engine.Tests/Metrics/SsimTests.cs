using SrTrain.Engine.Metrics;
using SrTrain.Abstractions.Registry;

namespace SrTrain.Engine.Tests.Metrics;

/// <summary>SSIM against a NumPy/SciPy reference that follows BasicSR's algorithm
/// (tests/fixtures/make_metrics.py; regenerate with <c>/usr/bin/python3 tests/fixtures/make_metrics.py</c>).</summary>
public class SsimTests
{
    public static IEnumerable<object[]> Cases() => MetricFixture.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImageSsimEqualsBasicSrReference(string pair, int crop, bool y)
    {
        double actual = Ssim.Calculate(MetricFixture.Image($"{pair}_sr"), MetricFixture.Image($"{pair}_gt"), crop, y);
        double expected = MetricFixture.Expected(pair, crop, y, "ssim");
        Assert.True(Math.Abs(actual - expected) < 1e-6, $"SSIM {actual:R}, reference {expected:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TensorSsimAgreesWithImageSsim(string pair, int crop, bool y)
    {
        using var scope = LibTorch.NewDisposeScope();
        double image = Ssim.Calculate(MetricFixture.Image($"{pair}_sr"), MetricFixture.Image($"{pair}_gt"), crop, y);
        var batch = Ssim.CalculatePt(MetricFixture.Batch($"{pair}_sr"), MetricFixture.Batch($"{pair}_gt"), crop, y);
        Assert.True(Math.Abs(batch.Item() - image) < 1e-6, $"tensor SSIM {batch.Item():R}, image SSIM {image:R}");
    }

    [Fact]
    public void IdenticalImagesHaveSsimOne()
    {
        var img = MetricFixture.Image("a_gt");
        Assert.Equal(1.0, Ssim.Calculate(img, img, 0), 12);
    }

    [Fact]
    public void RegisteredTensorMetricBindsBasicSrOptions()
    {
        using var scope = LibTorch.NewDisposeScope();
        var metric = TypeRegistry.Create<ITensorMetric>(RegistryKind.Metric, new Dictionary<string, object?>
        {
            ["type"] = "calculate_ssim_pt", ["crop_border"] = 4, ["test_y_channel"] = false,
        }, "val.metrics.ssim");
        double actual = metric.Calculate(MetricFixture.Batch("b_sr"), MetricFixture.Batch("b_gt")).Item();
        Assert.True(Math.Abs(actual - MetricFixture.Expected("b", 4, false, "ssim")) < 1e-6);
    }

    [Fact]
    public void TooSmallAfterCroppingIsAnError()
    {
        var img = MetricFixture.Image("b_gt");
        var ex = Assert.Throws<ArgumentException>(() => Ssim.Calculate(img, img, 12));
        Assert.Contains("11x11", ex.Message);
    }
}

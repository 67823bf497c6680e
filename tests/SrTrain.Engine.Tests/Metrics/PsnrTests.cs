using SrTrain.Engine.Metrics;
using SrTrain.Abstractions.Registry;

namespace SrTrain.Engine.Tests.Metrics;

/// <summary>PSNR against a NumPy reference that follows BasicSR's algorithm
/// (tests/fixtures/make_metrics.py; regenerate with <c>/usr/bin/python3 tests/fixtures/make_metrics.py</c>).</summary>
public class PsnrTests
{
    public static IEnumerable<object[]> Cases() => MetricFixture.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImagePsnrEqualsBasicSrReference(string pair, int crop, bool y)
    {
        double actual = Psnr.Calculate(MetricFixture.Image($"{pair}_sr"), MetricFixture.Image($"{pair}_gt"), crop, y);
        double expected = MetricFixture.Expected(pair, crop, y, "psnr");
        Assert.True(Math.Abs(actual - expected) < 1e-4, $"PSNR {actual:R} dB, reference {expected:R} dB");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TensorPsnrAgreesWithImagePsnr(string pair, int crop, bool y)
    {
        using var scope = LibTorch.NewDisposeScope();
        double image = Psnr.Calculate(MetricFixture.Image($"{pair}_sr"), MetricFixture.Image($"{pair}_gt"), crop, y);
        var batch = Psnr.CalculatePt(MetricFixture.Batch($"{pair}_sr"), MetricFixture.Batch($"{pair}_gt"), crop, y);
        Assert.Equal([1L], batch.Shape);
        Assert.True(Math.Abs(batch.Item() - image) < 1e-4, $"tensor PSNR {batch.Item():R} dB, image PSNR {image:R} dB");
    }

    [Fact]
    public void BatchedPsnrGivesOneValuePerImage()
    {
        using var scope = LibTorch.NewDisposeScope();
        var sr = MetricFixture.Batch("a_sr");
        var gt = MetricFixture.Batch("a_gt");
        var values = Psnr.CalculatePt(Tensor.Cat([sr, gt]), Tensor.Cat([gt, gt]), 4).ToArray<double>();
        Assert.True(Math.Abs(values[0] - MetricFixture.Expected("a", 4, false, "psnr")) < 1e-4);
        Assert.Equal(double.PositiveInfinity, values[1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IdenticalImagesArePositiveInfinity(bool y)
    {
        var img = MetricFixture.Image("b_gt");
        Assert.Equal(double.PositiveInfinity, Psnr.Calculate(img, img, 4, y));
    }

    [Fact]
    public void RegisteredMetricBindsBasicSrOptions()
    {
        var metric = TypeRegistry.Create<IImageMetric>(RegistryKind.Metric, new Dictionary<string, object?>
        {
            ["type"] = "calculate_psnr", ["crop_border"] = "4", ["test_y_channel"] = "true", ["better"] = "higher",
        }, "val.metrics.psnr");
        double actual = metric.Calculate(MetricFixture.Image("a_sr"), MetricFixture.Image("a_gt"));
        Assert.True(Math.Abs(actual - MetricFixture.Expected("a", 4, true, "psnr")) < 1e-4);
        Assert.Equal("higher", metric.Better);
    }

    [Fact]
    public void DifferentShapesAreRejectedWithBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Psnr.Calculate(MetricFixture.Image("a_sr"), MetricFixture.Image("b_gt"), 0));
        Assert.Contains("40x48x3", ex.Message);
        Assert.Contains("33x37x3", ex.Message);
    }
}

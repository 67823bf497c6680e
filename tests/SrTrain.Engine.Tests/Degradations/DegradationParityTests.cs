using SrTrain.Engine.Degradations;
using SrTrain.Torch;

namespace SrTrain.Engine.Tests.Degradations;

/// <summary>Each step of the Real-ESRGAN batch degradation, and a whole seeded batch, against
/// tests/fixtures/realesrgan_ref.py, made at test time by make_realesrgan.degradations() (same inputs, kernels and plan;
/// libtorch's generator seeded with 7 on both sides before each noisy step, so the noise fields are the same draws).</summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class DegradationParityTests
{
    private static TensorFixture Fixture => LiveFixture.Load("make_realesrgan", "degradations", "realesrgan/degradations.json");

    [Fact]
    public void Filter2DEqualsTheReference()
    {
        using var scope = LibTorch.NewDisposeScope();
        var f = Fixture;
        TensorAssert.Close(f["filter2d"], Filter2D.Apply(f["img"], f["k1"]), Tolerance.Layer, "per-sample kernels");
        TensorAssert.Close(f["filter2d_shared"], Filter2D.Apply(f["img"], f["k2"].Slice(0, 0, 1)), Tolerance.Layer, "one kernel for the batch");
    }

    [Fact]
    public void UsmSharpeningEqualsTheReference()
    {
        using var scope = LibTorch.NewDisposeScope();
        using var usm = new UsmSharpener(Device.Cpu);
        TensorAssert.Close(Fixture["usm"], usm.Apply(Fixture["img"]), Tolerance.Layer, "USM");
    }

    [Theory]
    [InlineData("area", ResizeMode.Area)]
    [InlineData("bilinear", ResizeMode.Bilinear)]
    [InlineData("bicubic", ResizeMode.Bicubic)]
    public void ResizeEqualsTheReference(string name, ResizeMode mode)
    {
        using var scope = LibTorch.NewDisposeScope();
        TensorAssert.Close(Fixture["resize_" + name], Resize.ByScale(Fixture["img"], 0.62, mode), Tolerance.Layer, name);
    }

    [Fact]
    public void GaussianNoiseEqualsTheReference()
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(7);
        var actual = DegradationNoise.Gaussian(Fixture["img"], [5.0, 20.0], [false, true]);
        TensorAssert.Close(Fixture["gaussian"], actual, Tolerance.Elementwise, "gaussian noise");
    }

    [Fact]
    public void PoissonNoiseEqualsTheReference()
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(7);
        var actual = DegradationNoise.Poisson(Fixture["img"], [0.5, 2.0], [true, false]);
        TensorAssert.Close(Fixture["poisson"], actual, Tolerance.Elementwise, "poisson noise");
    }

    [Fact]
    public void JpegEqualsTheReference()
    {
        using var scope = LibTorch.NewDisposeScope();
        var actual = TensorJpeg.Apply(Fixture["img"], [75.0, 33.3]);
        AssertEightBitClose(Fixture["jpeg"], actual, "jpeg");
    }

    [Fact]
    public void SeededBatchThroughThePipelineEqualsTheReference()
    {
        using var scope = LibTorch.NewDisposeScope();
        var f = Fixture;
        var plan = new DegradationPlan(
            new StagePlan(true, 1.3, ResizeMode.Bicubic, true, [12.0, 3.5], [false, true], [63.4, 41.0]),
            new StagePlan(true, 0.8, ResizeMode.Area, false, [1.5, 0.3], [true, false], []),
            SincFirst: false, ResizeMode.Bilinear, [88.0, 30.5]);
        LibTorch.ManualSeed(7);
        var lq = RealEsrganDegradation.Apply(f["img"], f["k1"], f["k2"], f["sinc"], plan, 4);
        Assert.Equal(new long[] { 2, 3, 16, 17 }, lq.Shape);
        AssertEightBitClose(f["pipeline"], lq, "pipeline");
    }

    // The JPEG and final steps round to 8 bits: a float32 difference in the last bit of a plane can move a value across
    // a rounding boundary, so a few elements may differ by a grey level or a quantisation step; the rest must agree.
    private static void AssertEightBitClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var diff = (actual - expected).Abs();
        double off = diff.Gt(1e-5).To(DType.Float32).Mean().Item();
        double mean = diff.Mean().Item() * 255;
        Assert.True(off <= 0.002 && mean <= 0.01, $"{what}: {off:P3} of values differ, mean |diff| {mean:F4} grey levels, max {diff.Max().Item() * 255:F2}");
    }
}

namespace SrTrain.Torch.Tests;

/// <summary>Parity of F.PixelShuffle, F.PixelUnshuffle and F.Interpolate (nearest, bilinear,
/// bicubic; by size and by integer, non-integer and downscaling factors; with and without
/// align_corners) with PyTorch 1.13, forward and gradients (fixtures:
/// tests/fixtures/ops/{pixel_*,interpolate_*}.json; regenerate with
/// <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>).</summary>
public class FunctionalResizeTests
{
    [Fact] public void PixelShuffle() => FunctionalParity.Check("pixel_shuffle", t => F.PixelShuffle(t("x"), 2));
    [Fact] public void PixelUnshuffle() => FunctionalParity.Check("pixel_unshuffle", t => F.PixelUnshuffle(t("x"), 2));

    [Fact]
    public void PixelUnshuffleInvertsPixelShuffle()
    {
        using var fixture = TensorFixture.Load("ops/pixel_shuffle.json");
        using var scope = LibTorch.NewDisposeScope();
        TensorAssert.Equal(fixture["x"], F.PixelUnshuffle(F.PixelShuffle(fixture["x"], 2), 2));
    }

    public static TheoryData<string, InterpolationMode, bool> SizeCases() => new()
    {
        { "interpolate_nearest_size", InterpolationMode.Nearest, false },
        { "interpolate_bilinear_size", InterpolationMode.Bilinear, false },
        { "interpolate_bilinear_size_ac", InterpolationMode.Bilinear, true },
        { "interpolate_bicubic_size", InterpolationMode.Bicubic, false },
        { "interpolate_bicubic_size_ac", InterpolationMode.Bicubic, true },
    };

    [Theory]
    [MemberData(nameof(SizeCases))]
    public void InterpolateToSize(string name, InterpolationMode mode, bool alignCorners) =>
        FunctionalParity.Check(name, t => F.Interpolate(t("x"), (7, 9), mode, alignCorners));

    public static TheoryData<InterpolationMode, bool, string> ScaleCases()
    {
        var data = new TheoryData<InterpolationMode, bool, string>();
        foreach (var (mode, name) in new[] { (InterpolationMode.Nearest, "nearest"), (InterpolationMode.Bilinear, "bilinear"), (InterpolationMode.Bicubic, "bicubic") })
            foreach (var scale in new[] { "2p0", "1p5", "0p6" })
            {
                data.Add(mode, false, $"interpolate_{name}_scale{scale}");
                if (mode != InterpolationMode.Nearest) data.Add(mode, true, $"interpolate_{name}_scale{scale}_ac");
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(ScaleCases))]
    public void InterpolateByScaleFactor(InterpolationMode mode, bool alignCorners, string name)
    {
        using var fixture = TensorFixture.Load($"ops/{name}.json");
        double scale = fixture.Number("scale");
        FunctionalParity.Check(name, t => F.Interpolate(t("x"), scale, mode, alignCorners));
    }

    [Fact]
    public void NearestRejectsAlignCorners()
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = Tensor.Zeros([1, 1, 2, 2]);
        Assert.Throws<ArgumentException>(() => F.Interpolate(x, 2.0, InterpolationMode.Nearest, alignCorners: true));
        Assert.Throws<ArgumentException>(() => F.Interpolate(x, (4, 4), InterpolationMode.Nearest, alignCorners: true));
    }
}

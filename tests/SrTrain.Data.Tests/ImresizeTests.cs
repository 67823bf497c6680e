using SrTrain.Data;

namespace SrTrain.Data.Tests;

/// <summary>Parity with a NumPy implementation of MATLAB's imresize (tests/fixtures/make_imresize.py, written
/// from MATLAB's algorithm); regenerate tests/fixtures/data/imresize.json with
/// <c>/usr/bin/python3 tests/fixtures/make_imresize.py</c>.</summary>
public class ImresizeTests
{
    private static Image ImageOf(Tensor hwc)
    {
        var s = hwc.Shape;
        return new Image((int)s[0], (int)s[1], (int)s[2], hwc.ToArray<float>());
    }

    private static void AssertClose(Tensor expected, Image actual, string what)
    {
        var s = expected.Shape;
        Assert.Equal($"{s[0]}x{s[1]}x{s[2]}", actual.SizeText);
        var e = expected.ToArray<float>();
        double max = 0;
        for (int i = 0; i < e.Length; i++) max = Math.Max(max, Math.Abs(e[i] - actual.Data[i]));
        Assert.True(max <= 1e-5, $"{what}: max |diff| {max:E2} > 1e-5");
    }

    [Theory]
    [InlineData("x2")]
    [InlineData("x2_odd")]
    [InlineData("x3_odd")]
    [InlineData("x4")]
    [InlineData("x4_odd")]
    [InlineData("up4_odd")]
    [InlineData("up2")]
    public void ImageResizeMatchesMatlabReference(string name)
    {
        using var f = TensorFixture.Load("data/imresize.json");
        AssertClose(f[$"{name}_out"], Imresize.Resize(ImageOf(f[$"{name}_in"]), f.Number($"{name}_scale")), name);
    }

    [Theory]
    [InlineData("x2_odd")]
    [InlineData("x3_odd")]
    [InlineData("x4")]
    [InlineData("up4_odd")]
    public void TensorResizeMatchesMatlabReference(string name)
    {
        using var scope = LibTorch.NewDisposeScope();
        using var f = TensorFixture.Load("data/imresize.json");
        var chw = f[$"{name}_in"].Permute(2, 0, 1).Unsqueeze(0);
        var result = Imresize.Resize(chw, f.Number($"{name}_scale"));
        var hwc = result.Squeeze(0).Permute(1, 2, 0).Contiguous();
        AssertClose(f[$"{name}_out"], ImageOf(hwc), name + " (tensor)");
    }

    [Fact]
    public void ExplicitOutputSizeAndNoAntialiasMatchReference()
    {
        using var f = TensorFixture.Load("data/imresize.json");
        AssertClose(f["size_out"], Imresize.Resize(ImageOf(f["size_in"]), 7, 9), "size");
        AssertClose(f["noaa_out"], Imresize.Resize(ImageOf(f["noaa_in"]), 0.25, antialias: false), "noaa");
    }

    [Fact]
    public void DownscaleByIntegerFactorGivesExactSize()
    {
        var img = new Image(204, 225, 3);
        var lr = Imresize.Downscale(img, 3);
        Assert.Equal((68, 75), (lr.Height, lr.Width));
        Assert.Throws<ArgumentException>(() => Imresize.Downscale(new Image(10, 9, 3), 4));
    }

    [Fact]
    public void ConstantImageStaysConstant()
    {
        var img = new Image(9, 13, 3);
        Array.Fill(img.Data, 0.25f);
        foreach (var s in new[] { 0.5, 1.0 / 3, 0.25, 4.0 })
            Assert.All(Imresize.Resize(img, s).Data, v => Assert.Equal(0.25f, v, 1e-6f));
    }
}

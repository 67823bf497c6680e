using SrTrain.Data;

namespace SrTrain.Data.Tests;

/// <summary>RGB PNGs opened with <see cref="ImageIO.Open"/> decode at the first crop and only down to its last
/// row (LazyPngImage). Crops must equal python3-opencv's whole-image decode (tests/fixtures/data/image_decode.json,
/// png_layouts.json), layouts libpng's row path does not take must still decode like OpenCV, and damage below the
/// crop must still be an error naming the file.</summary>
public class LazyPngImageTests
{
    private static string Img(string name) => RepoPaths.Fixture(Path.Combine("images", name));

    private static void AssertCropEquals(string fixture, string key, StoredImage stored, int top, int left, int h, int w, double max)
    {
        using var f = TensorFixture.Load(fixture);
        var expected = f[key];
        long width = expected.Shape[1];
        var e = expected.ToArray<double>();
        var crop = stored.Crop(top, left, h, w);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    double want = e[((top + y) * width + left + x) * 3 + c], got = Math.Round(crop[y, x, c] * max);
                    Assert.True(want == got, $"{key}: pixel ({top + y}, {left + x}, {c}) is {got}, OpenCV gives {want}");
                }
    }

    [Theory]
    [InlineData("rgb8.png", "rgb8", 255)]
    [InlineData("rgb16.png", "rgb16", 65535)]
    [InlineData("gray8.png", "gray8_color", 255)]
    [InlineData("rgba8.png", "rgba8_color", 255)]
    public void CropsOfRowDecodedPngsEqualOpenCv(string file, string key, double max)
    {
        using var stored = ImageIO.Open(Img(file));
        Assert.Equal("LazyPngImage", stored.GetType().Name);
        Assert.Equal((24, 32, 3), (stored.Height, stored.Width, stored.Channels));
        // Top rows only, then a deeper crop (decodes further), then one above it (reuses), then the whole image.
        AssertCropEquals("data/image_decode.json", key, stored, 0, 3, 5, 7, max);
        AssertCropEquals("data/image_decode.json", key, stored, 9, 0, 8, 32, max);
        AssertCropEquals("data/image_decode.json", key, stored, 2, 5, 4, 4, max);
        AssertCropEquals("data/image_decode.json", key, stored, 0, 0, 24, 32, max);
    }

    [Theory]
    [InlineData("palette")]
    [InlineData("trns")]
    [InlineData("graya")]
    [InlineData("interlaced")]
    public void OtherPngLayoutsDecodeLikeOpenCv(string layout)
    {
        using var stored = ImageIO.Open(Img($"layout_{layout}.png"));
        Assert.Equal((24, 32), (stored.Height, stored.Width));
        AssertCropEquals("data/png_layouts.json", layout, stored, 0, 0, 6, 32, 255);
        AssertCropEquals("data/png_layouts.json", layout, stored, 0, 0, 24, 32, 255);
    }

    [Fact]
    public void ExifOrientationIsAppliedAsOpenCvDoes()
    {
        using var stored = ImageIO.Open(Img("layout_exif.png"));
        Assert.Equal((32, 24), (stored.Height, stored.Width));   // stored 24x32, rotated by its EXIF orientation
        AssertCropEquals("data/png_layouts.json", "exif", stored, 0, 0, 5, 24, 255);
    }

    // A noisy 64x48 PNG, so its compressed rows span several kilobytes and the damage lies far below row 4.
    private static string WriteNoisyPng(string dir)
    {
        var image = new Image(64, 48, 3);
        var rng = new SampleRng(5);
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = (float)rng.NextDouble();
        var path = Path.Combine(dir, "noisy.png");
        ImageIO.Write(path, image);
        return path;
    }

    [Fact]
    public void TruncationBelowTheCropIsAnErrorNamingTheFile()
    {
        var dir = RepoPaths.NewTempDir();
        try
        {
            var path = WriteNoisyPng(dir);
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length * 9 / 10)]);
            using var stored = ImageIO.Open(path);
            var e = Assert.Throws<ImageReadException>(() => stored.Crop(0, 0, 4, 4));
            Assert.Contains(path, e.Message);
            Assert.Contains("truncated", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void CorruptDataBelowTheCropIsAnErrorNamingTheFile()
    {
        var dir = RepoPaths.NewTempDir();
        try
        {
            var path = WriteNoisyPng(dir);
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length - 12 - 20] ^= 0x5A;   // inside the last IDAT chunk, before its CRC and IEND
            File.WriteAllBytes(path, bytes);
            using var stored = ImageIO.Open(path);
            var e = Assert.Throws<ImageReadException>(() => stored.Crop(0, 0, 4, 4));
            Assert.Contains(path, e.Message);
            Assert.Contains("CRC", e.Message);
            // OpenCV's whole-image decode refuses the file too.
            Assert.Throws<ImageReadException>(() => ImageIO.Read(path));
        }
        finally { Directory.Delete(dir, true); }
    }
}

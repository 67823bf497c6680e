using SrTrain.Data;

namespace SrTrain.Data.Tests;

/// <summary>Decoding equals python3-opencv's cv2.imread on committed fixtures (tests/fixtures/images/), values
/// from tests/fixtures/data/image_decode.json; regenerate both with
/// <c>/usr/bin/python3 tests/fixtures/make_data_images.py</c>.</summary>
public class ImageIOTests
{
    private static string Img(string name) => RepoPaths.Fixture(Path.Combine("images", name));

    // Decoded floats times the format's maximum give back OpenCV's integers exactly.
    private static void AssertDecodesLikeOpenCv(string expectedKey, Image image, double max)
    {
        using var fixture = TensorFixture.Load("data/image_decode.json");
        var expected = fixture[expectedKey];
        var shape = expected.Shape;
        long channels = shape.Length == 2 ? 1 : shape[2];
        Assert.Equal(new long[] { shape[0], shape[1], channels }, new long[] { image.Height, image.Width, image.Channels });
        var e = expected.ToArray<double>();
        for (int i = 0; i < e.Length; i++)
        {
            double v = Math.Round(image.Data[i] * max);
            Assert.True(v == e[i], $"{expectedKey}: value {i} is {v}, OpenCV gives {e[i]}");
            Assert.Equal((float)(e[i] / max), image.Data[i]);   // exactly BasicSR's astype(float32) / 255
        }
    }

    [Theory]
    [InlineData("rgb8.png", "rgb8")]
    [InlineData("gray8.png", "gray8_color")]
    [InlineData("rgba8.png", "rgba8_color")]
    [InlineData("photo.jpg", "photo_jpg")]
    [InlineData("photo.webp", "photo_webp")]
    [InlineData("photo.bmp", "photo_bmp")]
    [InlineData("photo.tif", "photo_tif")]
    public void RgbDecodeEqualsOpenCv(string file, string key) => AssertDecodesLikeOpenCv(key, ImageIO.Read(Img(file)), 255);

    [Fact]
    public void SixteenBitPngKeepsSixteenBits()
    {
        var image = ImageIO.Read(Img("rgb16.png"), ImageReadMode.Rgb, out int bits);
        Assert.Equal(16, bits);
        AssertDecodesLikeOpenCv("rgb16", image, 65535);
    }

    [Fact]
    public void GrayModeEqualsOpenCvGrayscale()
    {
        AssertDecodesLikeOpenCv("gray8_gray", ImageIO.Read(Img("gray8.png"), ImageReadMode.Gray), 255);
        AssertDecodesLikeOpenCv("photo_jpg_gray", ImageIO.Read(Img("photo.jpg"), ImageReadMode.Gray), 255);
    }

    [Fact]
    public void RgbaModeKeepsAlphaAndAddsOpaqueAlpha()
    {
        AssertDecodesLikeOpenCv("rgba8", ImageIO.Read(Img("rgba8.png"), ImageReadMode.Rgba), 255);
        var rgb = ImageIO.Read(Img("rgb8.png"), ImageReadMode.Rgba);
        Assert.Equal(4, rgb.Channels);
        for (int i = 3; i < rgb.Data.Length; i += 4) Assert.Equal(1f, rgb.Data[i]);
        Assert.Equal(1, ImageIO.Read(Img("gray8.png"), ImageReadMode.Unchanged).Channels);
    }

    [Theory]
    [InlineData("rgb8.png", 8)]
    [InlineData("rgb16.png", 16)]
    [InlineData("gray8.png", 8)]
    [InlineData("rgba8.png", 8)]
    public void PngReadWriteKeepsPixelBytes(string file, int bits)
    {
        var dir = RepoPaths.NewTempDir();
        try
        {
            var original = ImageIO.Read(Img(file), ImageReadMode.Unchanged);
            var copy = Path.Combine(dir, "copy.png");
            ImageIO.Write(copy, original, bits);
            var back = ImageIO.Read(copy, ImageReadMode.Unchanged, out int backBits);
            Assert.Equal(bits, backBits);
            Assert.Equal(original.SizeText, back.SizeText);
            Assert.Equal(original.Data, back.Data);
            // And OpenCV reads the same integers from our file as from the original.
            var check = PythonReference.Run(
                "import cv2, sys, numpy as np; a = cv2.imread(sys.argv[1], -1); b = cv2.imread(sys.argv[2], -1); " +
                "print(a.dtype == b.dtype and a.shape == b.shape and bool((a == b).all()))", Img(file), copy);
            Assert.Equal("True", check.Trim());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void WritingRoundsLikeTensor2img()
    {
        var dir = RepoPaths.NewTempDir();
        try
        {
            // Clamped, then * 255 rounded half to even: 0.5/255 -> 0, 1.5/255 -> 2, 2.5/255 -> 2, -1 -> 0, 2 -> 255.
            float[] values = [-1f, 2f, 0.5f / 255f, 1.5f / 255f, 2.5f / 255f, 0.4f];
            var path = Path.Combine(dir, "r.png");
            ImageIO.Write(path, new Image(1, 6, 1, values));
            var expected = PythonReference.Run(
                "import numpy as np, sys; v = np.array([-1, 2, 0.5/255, 1.5/255, 2.5/255, 0.4], dtype=np.float32); " +
                "print(' '.join(str(int(x)) for x in (np.clip(v, 0, 1) * 255.0).round().astype(np.uint8)))");
            var back = ImageIO.Read(path, ImageReadMode.Gray);
            Assert.Equal(expected.Trim(), string.Join(' ', back.Data.Select(v => (int)Math.Round(v * 255))));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData(".jpg")]
    [InlineData(".webp")]
    public void SixteenBitToLossyFormatIsRefused(string ext)
    {
        var ex = Assert.Throws<IOException>(() => ImageIO.Write(Path.Combine(Path.GetTempPath(), "never" + ext), new Image(2, 2, 3), bits: 16));
        Assert.Contains("16-bit", ex.Message);
        Assert.Contains("never" + ext, ex.Message);
    }

    [Fact]
    public void TruncatedPngNamesTheFile()
    {
        var dir = RepoPaths.NewTempDir();
        try
        {
            var bytes = File.ReadAllBytes(Img("rgb8.png"));
            var path = Path.Combine(dir, "truncated.png");
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            var ex = Assert.Throws<ImageReadException>(() => ImageIO.Read(path));
            Assert.Contains(path, ex.Message);
            var garbage = Path.Combine(dir, "garbage.jpg");
            File.WriteAllBytes(garbage, [1, 2, 3, 4, 5]);
            Assert.Contains(garbage, Assert.Throws<ImageReadException>(() => ImageIO.Read(garbage)).Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void MissingFileNamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "srtrain-no-such-image.png");
        var ex = Assert.Throws<ImageReadException>(() => ImageIO.Read(path));
        Assert.Contains(path, ex.Message);
    }
}

using SrTrain.Torch;

namespace SrTrain.Torch.Tests;

/// <summary>libpng's top-rows decoder: the rows it returns are OpenCV's (same library underneath), and it declines
/// (null, no error) what it does not reproduce exactly, leaving those files to OpenCV.</summary>
public class ImageCodecTests
{
    private static byte[] Img(string name) => File.ReadAllBytes(RepoPaths.Fixture(Path.Combine("images", name)));

    [Theory]
    [InlineData("rgb8.png", 8)]
    [InlineData("rgb16.png", 16)]
    [InlineData("gray8.png", 8)]
    [InlineData("rgba8.png", 8)]
    public void TopRowsEqualOpenCvDecode(string file, int bits)
    {
        var bytes = Img(file);
        using var whole = ImageCodec.DecodeHeld(bytes, ImageCodec.ModeRgb);
        foreach (int rows in new[] { 1, 7, 23, 24 })
        {
            using var top = ImageCodec.TryDecodePngRows(bytes, rows, out int fullHeight);
            Assert.NotNull(top);
            Assert.Equal((rows, 32, 3, bits, 24), (top.Height, top.Width, top.Channels, top.Bits, fullHeight));
            var expected = new float[rows * 32 * 3];
            var got = new float[rows * 32 * 3];
            whole.CropToFloat(0, 0, rows, 32, expected);
            top.CropToFloat(0, 0, rows, 32, got);
            Assert.Equal(expected, got);
            // Rows below the decoded ones are not there.
            Assert.Throws<TorchException>(() => top.CropToFloat(rows - 1, 0, 2, 1, new float[6]));
        }
    }

    [Theory]
    [InlineData("layout_palette.png")]
    [InlineData("layout_trns.png")]
    [InlineData("layout_graya.png")]
    [InlineData("layout_interlaced.png")]
    [InlineData("layout_exif.png")]
    [InlineData("photo.jpg")]
    public void DeclinesWhatItDoesNotReproduce(string file) =>
        Assert.Null(ImageCodec.TryDecodePngRows(Img(file), 4, out _));

    [Fact]
    public void MoreRowsThanTheImageHasIsAnError()
    {
        var e = Assert.Throws<TorchException>(() => ImageCodec.TryDecodePngRows(Img("rgb8.png"), 25, out _));
        Assert.Contains("25 rows", e.Message);
    }
}

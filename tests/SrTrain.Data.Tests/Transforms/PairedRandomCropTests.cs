using SrTrain.Data;
using SrTrain.Data.Transforms;

namespace SrTrain.Data.Tests.Transforms;

public class PairedRandomCropTests
{
    [Fact]
    public void GtPatchIsScaleTimesTheAlignedLqPatch()
    {
        // GT pixel (y, x) holds (y, x); LQ pixel (y, x) holds (4y, 4x): an aligned crop keeps that relation.
        var gt = new Image(40, 48, 2);
        var lq = new Image(10, 12, 2);
        for (int y = 0; y < 40; y++) for (int x = 0; x < 48; x++) { gt[y, x, 0] = y; gt[y, x, 1] = x; }
        for (int y = 0; y < 10; y++) for (int x = 0; x < 12; x++) { lq[y, x, 0] = 4 * y; lq[y, x, 1] = 4 * x; }
        var rng = new SampleRng(7);
        for (int trial = 0; trial < 20; trial++)
        {
            var (g, l) = PairedRandomCrop.Apply(gt, lq, 16, 4, rng);
            Assert.Equal("16x16x2", g.SizeText);
            Assert.Equal("4x4x2", l.SizeText);
            Assert.Equal(l[0, 0, 0], g[0, 0, 0]);
            Assert.Equal(l[0, 0, 1], g[0, 0, 1]);
            Assert.Equal(l[3, 3, 0], g[12, 12, 0]);
        }
    }

    [Fact]
    public void PatchLargerThanImageNamesTheFile()
    {
        var ex = Assert.Throws<InvalidDataException>(() =>
            PairedRandomCrop.Apply(new Image(32, 32, 3), new Image(8, 8, 3), 48, 4, new SampleRng(1), "gt/0001.png", "lq/0001x4.png"));
        Assert.Contains("lq/0001x4.png", ex.Message);
        Assert.Contains("gt_size 48", ex.Message);
    }

    [Fact]
    public void ScaleMismatchNamesBothFiles()
    {
        var ex = Assert.Throws<InvalidDataException>(() =>
            PairedRandomCrop.Apply(new Image(32, 32, 3), new Image(16, 16, 3), 16, 4, new SampleRng(1), "gt/0001.png", "lq/0001x4.png"));
        Assert.Contains("gt/0001.png", ex.Message);
        Assert.Contains("lq/0001x4.png", ex.Message);
    }

    [Fact]
    public void ModCropDropsTheRemainder()
    {
        var img = TestImages.Pattern(10, 13);
        var cropped = ModCrop.Apply(img, 4);
        Assert.Equal("8x12x3", cropped.SizeText);
        Assert.Equal(img[7, 11, 2], cropped[7, 11, 2]);
    }
}

using SrTrain.Data;
using SrTrain.Data.Preparation;
using SrTrain.Data.Transforms;

namespace SrTrain.Data.Tests.Preparation;

public class PreparationTests : IDisposable
{
    private readonly string root = RepoPaths.NewTempDir("srtrain-prepare");

    public void Dispose() => Directory.Delete(root, true);

    [Theory]
    [InlineData(1356, 480, 240, 0)]
    [InlineData(2040, 480, 240, 0)]
    [InlineData(500, 480, 240, 30)]
    [InlineData(130, 120, 60, 0)]
    public void TileStartsFollowBasicSrRule(int length, int crop, int step, int thresh)
    {
        // BasicSR: np.arange(0, h - crop + 1, step), plus h - crop when the remainder exceeds thresh.
        var expected = PythonReference.Run(
            "import numpy as np, sys; h, c, s, t = map(int, sys.argv[1:]); sp = np.arange(0, h - c + 1, s)\n" +
            "sp = np.append(sp, h - c) if h - (sp[-1] + c) > t else sp\nprint(' '.join(str(int(v)) for v in sp))",
            $"{length}", $"{crop}", $"{step}", $"{thresh}");
        Assert.Equal(expected.Trim(), string.Join(' ', SubImages.Starts(length, crop, step, thresh)));
    }

    [Fact]
    public void SubImagesLowResolutionAndMetaInfo()
    {
        var hr = Path.Combine(root, "HR");
        var img = TestImages.Pattern(30, 41);
        ImageIO.Write(Path.Combine(hr, "0001.png"), img);
        var reports = new List<PrepareProgress>();

        int tiles = SubImages.Extract(hr, Path.Combine(root, "HR_sub"), crop: 16, step: 8, thresh: 0, progress: reports.Add);
        // rows 0, 8, 14; columns 0, 8, 16, 24, 25
        Assert.Equal(15, tiles);
        Assert.Equal(Path.Combine(root, "HR_sub", "0001_s007.png"),
                     Directory.GetFiles(Path.Combine(root, "HR_sub")).OrderBy(f => f, StringComparer.Ordinal).ElementAt(6));
        Assert.Equal(img.Crop(8, 8, 16, 16).Data, ImageIO.Read(Path.Combine(root, "HR_sub", "0001_s007.png")).Data);
        Assert.Equal(new PrepareProgress("subimages", 1, 1, Path.Combine(hr, "0001.png")), reports[^1]);

        LowResolution.Make(hr, Path.Combine(root, "X4"), 4);
        var lr = ImageIO.Read(Path.Combine(root, "X4", "0001x4.png"));
        var expected = Imresize.Downscale(ModCrop.Apply(img, 4), 4);
        Assert.Equal("7x10x3", lr.SizeText);
        for (int i = 0; i < lr.Data.Length; i++)   // the file holds the 8-bit rounding of the float result
            Assert.Equal(Math.Round(Math.Clamp(expected.Data[i], 0, 1) * 255), Math.Round(lr.Data[i] * 255.0));
        LowResolution.Make(hr, Path.Combine(root, "X2k"), 2);
        Assert.True(File.Exists(Path.Combine(root, "X2k", "0001x2.png")));
        LowResolution.Make(hr, Path.Combine(root, "X2keep"), 2, keepNames: true);
        Assert.True(File.Exists(Path.Combine(root, "X2keep", "0001.png")));

        SubImages.Extract(Path.Combine(root, "X2k"), Path.Combine(root, "X2_sub"), crop: 8, step: 4);
        Assert.True(File.Exists(Path.Combine(root, "X2_sub", "0001_s001.png")));
        Assert.Equal("0001", SubImages.TileBaseName("lr/0001x4.png"));

        var meta = Path.Combine(root, "meta.txt");
        Assert.Equal(15, MetaInfo.Write(Path.Combine(root, "HR_sub"), meta));
        Assert.Equal("0001_s001.png (16,16,3)", File.ReadLines(meta).First());
    }

    [Fact]
    public void ImageSmallerThanCropIsAnErrorNamingIt()
    {
        var hr = Path.Combine(root, "HR");
        ImageIO.Write(Path.Combine(hr, "small.png"), TestImages.Pattern(10, 10));
        var ex = Assert.Throws<InvalidDataException>(() => SubImages.Extract(hr, Path.Combine(root, "sub"), crop: 16, step: 8));
        Assert.Contains(Path.Combine(hr, "small.png"), ex.Message);
    }
}

using SrTrain.Abstractions.Registry;
using SrTrain.Data;
using SrTrain.Data.Datasets;

namespace SrTrain.Data.Tests.Datasets;

public class OtherDatasetsTests : IDisposable
{
    private readonly string root = RepoPaths.NewTempDir("srtrain-datasets");

    public void Dispose() => Directory.Delete(root, true);

    [Fact]
    public void BicubicOnTheFlyMakesLqByMatlabBicubic()
    {
        var gtDir = Path.Combine(root, "hr");
        var hr = TestImages.Pattern(26, 30);
        ImageIO.Write(Path.Combine(gtDir, "0001.png"), hr);
        var val = TypeRegistry.Create<BicubicOnTheFlyDataset>(RegistryKind.Dataset,
            new Dictionary<string, object?> { ["type"] = "BicubicOnTheFlyDataset", ["dataroot_gt"] = gtDir, ["phase"] = "val", ["scale"] = 4 }, "datasets.val");
        var s = val.Get(0, new SampleRng(0));
        Assert.Equal("24x28x3", s.Gt!.SizeText);
        var expected = Imresize.Downscale(hr.Crop(0, 0, 24, 28), 4);
        Assert.Equal(expected.Data, s.Lq!.Data);

        var train = new BicubicOnTheFlyDataset([gtDir], scale: 4, phase: "train", gtSize: 16, useHflip: true, useRot: true);
        var t = train.Get(0, new SampleRng(3));
        Assert.Equal("16x16x3", t.Gt!.SizeText);
        Assert.Equal(Imresize.Downscale(t.Gt, 4).Data, t.Lq!.Data);
    }

    [Fact]
    public void SingleImageDatasetReadsLqOnly()
    {
        var dir = Path.Combine(root, "lq");
        ImageIO.Write(Path.Combine(dir, "b.png"), TestImages.Pattern(5, 6));
        ImageIO.Write(Path.Combine(dir, "a.png"), TestImages.Pattern(7, 8));
        var ds = TypeRegistry.Create<SingleImageDataset>(RegistryKind.Dataset,
            new Dictionary<string, object?> { ["type"] = "SingleImageDataset", ["dataroot_lq"] = dir, ["io_backend"] = new Dictionary<string, object?> { ["type"] = "disk" } }, "datasets.test_1");
        Assert.Equal(2, ds.Count);
        var s = ds.Get(0, new SampleRng(0));
        Assert.Null(s.Gt);
        Assert.Equal("7x8x3", s.Lq!.SizeText);
        Assert.EndsWith("a.png", s.LqPath);
    }

    [Fact]
    public void ConcatDatasetIndexesAcrossParts()
    {
        var a = Path.Combine(root, "a");
        var b = Path.Combine(root, "b");
        ImageIO.Write(Path.Combine(a, "x.png"), TestImages.Pattern(4, 4));
        ImageIO.Write(Path.Combine(b, "y.png"), TestImages.Pattern(4, 4));
        ImageIO.Write(Path.Combine(b, "z.png"), TestImages.Pattern(4, 4));
        var concat = new ConcatDataset([new SingleImageDataset([a]), new SingleImageDataset([b])]);
        Assert.Equal(3, concat.Count);
        Assert.EndsWith("y.png", concat.Get(1, new SampleRng(0)).LqPath);
        Assert.EndsWith("z.png", concat.Get(2, new SampleRng(0)).LqPath);
    }

    [Fact]
    public void UnsupportedIoBackendIsAnError()
    {
        var dir = Path.Combine(root, "lq");
        ImageIO.Write(Path.Combine(dir, "a.png"), TestImages.Pattern(4, 4));
        var ex = Assert.Throws<OptionException>(() => TypeRegistry.Create<SingleImageDataset>(RegistryKind.Dataset,
            new Dictionary<string, object?> { ["type"] = "SingleImageDataset", ["dataroot_lq"] = dir, ["io_backend"] = new Dictionary<string, object?> { ["type"] = "lmdb" } }, "datasets.val"));
        Assert.Contains("lmdb", ex.Message);
    }
}

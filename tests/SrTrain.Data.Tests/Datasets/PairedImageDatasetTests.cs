using SrTrain.Abstractions.Registry;
using SrTrain.Data;
using SrTrain.Data.Datasets;

namespace SrTrain.Data.Tests.Datasets;

public class PairedImageDatasetTests : IDisposable
{
    private readonly string root = RepoPaths.NewTempDir("srtrain-paired");

    public void Dispose() => Directory.Delete(root, true);

    private string Gt => Path.Combine(root, "gt");
    private string Lq => Path.Combine(root, "lq");

    private static Dictionary<string, object?> Section(params (string, object?)[] pairs) => pairs.ToDictionary(p => p.Item1, p => p.Item2);

    private PairedImageDataset Create(params (string, object?)[] extra)
    {
        var section = Section(("type", "PairedImageDataset"), ("name", "DIV2K"), ("dataroot_gt", Gt), ("dataroot_lq", Lq),
                              ("filename_tmpl", "{}x4"), ("io_backend", new Dictionary<string, object?> { ["type"] = "disk" }),
                              ("gt_size", "32"), ("use_hflip", true), ("use_rot", "true"), ("phase", "train"),
                              ("batch_size_per_gpu", 4), ("num_worker_per_gpu", 2), ("use_shuffle", true),
                              ("dataset_enlarge_ratio", 10), ("prefetch_mode", null), ("pin_memory", false));
        foreach (var (k, v) in extra) section[k] = v;
        return TypeRegistry.Create<PairedImageDataset>(RegistryKind.Dataset, section, "datasets.train",
            new Dictionary<string, object?> { ["scale"] = 4 }, SrTrain.Data.Loading.DataLoaderOptions.Keys);
    }

    [Fact]
    public void BasicSrSectionBuildsDatasetAndCropsAlignedPatches()
    {
        TestImages.WritePairs(root, 3, 48, 64, 4);
        var ds = Create();
        Assert.Equal(3, ds.Count);
        Assert.EndsWith("0002x4.png", ds.Pairs[1].Lq);
        var s = ds.Get(1, new SampleRng(5));
        Assert.Equal("32x32x3", s.Gt!.SizeText);
        Assert.Equal("8x8x3", s.Lq!.SizeText);
        Assert.EndsWith("0002.png", s.GtPath);
    }

    [Fact]
    public void ValidationPhaseReturnsWholeImagesWithGtModCropped()
    {
        TestImages.WritePairs(root, 1, 48, 64, 4);
        ImageIO.Write(Path.Combine(Gt, "0001.png"), TestImages.Pattern(50, 66));   // 2 extra rows/cols, as from a non-mod-cropped HR
        var ds = Create(("phase", "val"), ("gt_size", null));
        var s = ds.Get(0, new SampleRng(0));
        Assert.Equal("48x64x3", s.Gt!.SizeText);
        Assert.Equal("12x16x3", s.Lq!.SizeText);
    }

    [Fact]
    public void ListsOfRootsAreConcatenated()
    {
        TestImages.WritePairs(Path.Combine(root, "a"), 2, 32, 32, 4);
        TestImages.WritePairs(Path.Combine(root, "b"), 3, 32, 32, 4);
        var ds = Create(("dataroot_gt", new List<object?> { Path.Combine(root, "a", "gt"), Path.Combine(root, "b", "gt") }),
                        ("dataroot_lq", new List<object?> { Path.Combine(root, "a", "lq"), Path.Combine(root, "b", "lq") }));
        Assert.Equal(5, ds.Count);
        Assert.Contains(Path.Combine("b", "gt", "0003.png"), ds.Pairs[4].Gt);
    }

    [Fact]
    public void MetaInfoFileSelectsAndPairsImages()
    {
        TestImages.WritePairs(root, 3, 32, 32, 4);
        var meta = Path.Combine(root, "meta.txt");
        File.WriteAllLines(meta, ["0003.png (32,32,3)", "0001.png (32,32,3)"]);
        var ds = Create(("meta_info_file", meta));
        Assert.Equal(2, ds.Count);
        Assert.EndsWith("0003x4.png", ds.Pairs[0].Lq);
    }

    [Fact]
    public void MissingFolderNamesIt()
    {
        var ex = Assert.Throws<OptionException>(() => Create());
        Assert.Contains(Gt, ex.Message);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void UnpairedFilesAreListed()
    {
        TestImages.WritePairs(root, 2, 32, 32, 4);
        ImageIO.Write(Path.Combine(Gt, "0007.png"), TestImages.Pattern(32, 32));
        ImageIO.Write(Path.Combine(Lq, "0009x4.png"), TestImages.Pattern(8, 8));
        var ex = Assert.Throws<OptionException>(() => Create());
        Assert.Contains("0007.png", ex.Message);
        Assert.Contains("0009x4.png", ex.Message);
    }

    [Fact]
    public void SizeMismatchForTheScaleNamesBothFiles()
    {
        TestImages.WritePairs(root, 1, 32, 32, 4);
        ImageIO.Write(Path.Combine(Lq, "0001x4.png"), TestImages.Pattern(16, 16));   // an x2 LR in an x4 folder
        var ds = Create();
        var ex = Assert.Throws<InvalidDataException>(() => ds.Get(0, new SampleRng(0)));
        Assert.Contains(Path.Combine(Gt, "0001.png"), ex.Message);
        Assert.Contains(Path.Combine(Lq, "0001x4.png"), ex.Message);
    }

    [Fact]
    public void PatchLargerThanImageNamesTheFile()
    {
        TestImages.WritePairs(root, 1, 16, 16, 4);
        var ds = Create(("gt_size", 32));
        var ex = Assert.Throws<InvalidDataException>(() => ds.Get(0, new SampleRng(0)));
        Assert.Contains("0001x4.png", ex.Message);
    }

    [Fact]
    public void TruncatedImageNamesTheFile()
    {
        TestImages.WritePairs(root, 1, 32, 32, 4);
        var path = Path.Combine(Lq, "0001x4.png");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
        var ex = Assert.Throws<ImageReadException>(() => Create().Get(0, new SampleRng(0)));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void ColorYGivesOneChannel()
    {
        TestImages.WritePairs(root, 1, 32, 32, 4);
        var s = Create(("color", "y")).Get(0, new SampleRng(1));
        Assert.Equal(1, s.Gt!.Channels);
        Assert.Equal(1, s.Lq!.Channels);
    }
}

using SrTrain.Abstractions.Registry;
using SrTrain.Data.Datasets;

namespace SrTrain.Data.Tests.Datasets;

/// <summary>RealESRGANPairedDataset: Real-ESRGAN's "gt, lq" meta_info (or names through filename_tmpl), then the crops
/// of PairedImageDataset; a malformed line or a missing file names the meta_info file.</summary>
public class RealEsrganPairedDatasetTests : IDisposable
{
    private readonly string root = RepoPaths.NewTempDir("srtrain-realesrgan-paired");

    public void Dispose() => Directory.Delete(root, true);

    private string Gt => Path.Combine(root, "gt");
    private string Lq => Path.Combine(root, "lq");

    private RealEsrganPairedDataset Create(params (string, object?)[] extra)
    {
        var section = new Dictionary<string, object?>
        {
            ["type"] = "RealESRGANPairedDataset", ["name"] = "pairs", ["dataroot_gt"] = Gt, ["dataroot_lq"] = Lq,
            ["io_backend"] = new Dictionary<string, object?> { ["type"] = "disk" }, ["gt_size"] = "32", ["use_hflip"] = true,
            ["use_rot"] = false, ["phase"] = "train", ["batch_size_per_gpu"] = 2, ["num_worker_per_gpu"] = 0,
        };
        foreach (var (k, v) in extra) section[k] = v;
        return TypeRegistry.Create<RealEsrganPairedDataset>(RegistryKind.Dataset, section, "datasets.train",
            new Dictionary<string, object?> { ["scale"] = 4 }, SrTrain.Data.Loading.DataLoaderOptions.Keys);
    }

    [Fact]
    public void MetaInfoListsPairsInItsOrderAndSamplesAreAlignedCrops()
    {
        TestImages.WritePairs(root, 3, 48, 64, 4);
        var meta = Path.Combine(root, "meta_info_pair.txt");
        File.WriteAllLines(meta, ["0003.png, 0003x4.png", "", "0001.png, 0001x4.png"]);
        var ds = Create(("meta_info", meta));
        Assert.Equal(2, ds.Count);
        Assert.EndsWith("0003.png", ds.Pairs[0].Gt);
        Assert.EndsWith("0001x4.png", ds.Pairs[1].Lq);
        var s = ds.Get(0, new SampleRng(5));
        Assert.Equal("32x32x3", s.Gt!.SizeText);
        Assert.Equal("8x8x3", s.Lq!.SizeText);
    }

    [Fact]
    public void WithoutMetaInfoFilesPairByName()
    {
        TestImages.WritePairs(root, 2, 48, 64, 4);
        var ds = Create(("filename_tmpl", "{}x4"));
        Assert.Equal(2, ds.Count);
        Assert.EndsWith("0002x4.png", ds.Pairs[1].Lq);
    }

    [Fact]
    public void BadMetaInfoLinesAndMissingFilesNameTheFile()
    {
        TestImages.WritePairs(root, 1, 48, 64, 4);
        var meta = Path.Combine(root, "meta.txt");
        File.WriteAllLines(meta, ["0001.png, 0001x4.png", "0001.png"]);
        var ex = Assert.ThrowsAny<Exception>(() => Create(("meta_info", meta)));
        Assert.Contains($"meta_info '{meta}' line 2", ex.ToString());
        File.WriteAllLines(meta, ["0001.png, 0009x4.png"]);
        ex = Assert.ThrowsAny<Exception>(() => Create(("meta_info", meta)));
        Assert.Contains("0009x4.png", ex.ToString());
    }
}

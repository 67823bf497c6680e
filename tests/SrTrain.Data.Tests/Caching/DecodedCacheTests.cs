using SrTrain.Abstractions.Registry;
using SrTrain.Data;
using SrTrain.Data.Caching;
using SrTrain.Data.Datasets;

namespace SrTrain.Data.Tests.Caching;

public class DecodedCacheTests : IDisposable
{
    private readonly string root = RepoPaths.NewTempDir("srtrain-cache");

    public void Dispose() => Directory.Delete(root, true);

    private string Gt => Path.Combine(root, "gt");
    private string Lq => Path.Combine(root, "lq");

    private PairedImageDataset Paired(Dictionary<string, object?> ioBackend, string phase = "train")
    {
        var section = new Dictionary<string, object?>
        {
            ["type"] = "PairedImageDataset", ["dataroot_gt"] = Gt, ["dataroot_lq"] = Lq, ["filename_tmpl"] = "{}x4",
            ["io_backend"] = ioBackend, ["gt_size"] = 16, ["use_hflip"] = true, ["use_rot"] = true, ["phase"] = phase,
        };
        return TypeRegistry.Create<PairedImageDataset>(RegistryKind.Dataset, section, "datasets.train",
            new Dictionary<string, object?> { ["scale"] = 4 }, SrTrain.Data.Loading.DataLoaderOptions.Keys);
    }

    private static Dictionary<string, object?> Backend(string type, string? cacheDir = null)
    {
        var d = new Dictionary<string, object?> { ["type"] = type };
        if (cacheDir is not null) d["cache_dir"] = cacheDir;
        return d;
    }

    [Fact]
    public void CachedDatasetGivesTheSameSamplesAsDecodingFromDisk()
    {
        TestImages.WritePairs(root, 3, 40, 56, 4);
        var disk = Paired(Backend("disk"));
        var cached = Paired(Backend("cache"));
        Assert.True(File.Exists(Path.Combine(Gt, DecodedCache.DefaultFolderName, "decoded_rgb" + DecodedCache.Extension)),
                    "by default the cache lives under the dataset root");
        for (int i = 0; i < 3; i++)
            for (ulong seed = 0; seed < 4; seed++)
            {
                var a = disk.Get(i, new SampleRng(seed));
                var b = cached.Get(i, new SampleRng(seed));
                Assert.Equal(a.Gt!.Data, b.Gt!.Data);
                Assert.Equal(a.Lq!.Data, b.Lq!.Data);
            }
        var wholeDisk = Paired(Backend("disk"), "val").Get(2, new SampleRng(0));
        var wholeCached = Paired(Backend("cache"), "val").Get(2, new SampleRng(0));
        Assert.Equal("40x56x3", wholeCached.Gt!.SizeText);
        Assert.Equal(wholeDisk.Gt!.Data, wholeCached.Gt.Data);
        Assert.Equal(wholeDisk.Lq!.Data, wholeCached.Lq!.Data);
    }

    [Fact]
    public void ExifRotatedPngIsCachedAtItsDecodedSize()
    {
        // The cache sizes PNGs from their header; an eXIf orientation makes OpenCV's decoded size differ from it.
        Directory.CreateDirectory(Gt);
        var path = Path.Combine(Gt, "rotated.png");
        File.Copy(RepoPaths.Fixture(Path.Combine("images", "layout_exif.png")), path);
        using var cache = DecodedCache.OpenOrBuild(Gt, [path], ImageReadMode.Rgb, DecodedCache.PathFor(Gt, null, ImageReadMode.Rgb));
        Assert.True(cache.TryGet(path, out var stored));
        using (stored)
        {
            var expected = ImageIO.Read(path);
            Assert.Equal("32x24x3", expected.SizeText);
            Assert.Equal(expected.Data, stored.ToImage().Data);
        }
    }

    [Fact]
    public void SixteenBitImagesKeepTheirValues()
    {
        var dir = Path.Combine(root, "deep");
        var img = new Image(9, 11, 3);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (i * 977 % 65536) / 65535f;
        ImageIO.Write(Path.Combine(dir, "a.png"), img, bits: 16);
        var file = Path.Combine(root, "c", "deep.srcache");
        using var cache = DecodedCache.OpenOrBuild(dir, [Path.Combine(dir, "a.png")], ImageReadMode.Rgb, file);
        Assert.True(cache.TryGet(Path.Combine(dir, "a.png"), out var stored));
        // Equal to 1/65535 steps: the cache keeps 16 bits (8-bit storage could not hold these values).
        Assert.Equal(ImageIO.Read(Path.Combine(dir, "a.png")).Data, stored.ToImage().Data);
    }

    [Fact]
    public void SizeIsReportedBeforeBuildingAndAChangedSourceFileRebuilds()
    {
        TestImages.WritePairs(root, 2, 16, 16, 4);
        var files = ImageFolder.List(Gt);
        var file = DecodedCache.PathFor(Gt, Path.Combine(root, "cachedir"), ImageReadMode.Rgb);
        Assert.StartsWith(Path.Combine(root, "cachedir", "gt-"), file);
        var messages = new List<string>();
        bool existedAtReport = true;
        using (var first = DecodedCache.OpenOrBuild(Gt, files, ImageReadMode.Rgb, file, m => { messages.Add(m); existedAtReport &= File.Exists(file); }))
        {
            Assert.True(first.WasBuilt);
            Assert.Contains(DecodedCache.FormatBytes(first.SizeBytes), messages[0]);
            Assert.False(existedAtReport && messages.Count == 1);
        }
        Assert.Contains("decoding 2 images", messages[0]);
        using (var again = DecodedCache.OpenOrBuild(Gt, files, ImageReadMode.Rgb, file))
            Assert.False(again.WasBuilt);

        // Same size, new content and time: the cache must notice and serve the new pixels.
        var changed = TestImages.Pattern(16, 16, 3, salt: 77);
        ImageIO.Write(files[1], changed);
        File.SetLastWriteTimeUtc(files[1], DateTime.UtcNow.AddMinutes(5));
        messages.Clear();
        using var rebuilt = DecodedCache.OpenOrBuild(Gt, files, ImageReadMode.Rgb, file, messages.Add);
        Assert.True(rebuilt.WasBuilt);
        Assert.Contains("0002.png changed", messages[0]);
        Assert.True(rebuilt.TryGet(files[1], out var stored));
        Assert.Equal(changed.Data, stored.ToImage().Data);

        // A removed file rebuilds too.
        File.Delete(files[0]);
        using var fewer = DecodedCache.OpenOrBuild(Gt, [files[1]], ImageReadMode.Rgb, file, messages.Add);
        Assert.True(fewer.WasBuilt);
        Assert.Equal(1, fewer.Count);
    }

    [Theory]
    [InlineData("index")]
    [InlineData("truncate")]
    [InlineData("magic")]
    public void DamagedCacheFileIsRebuiltWithAWarning(string damage)
    {
        TestImages.WritePairs(root, 2, 16, 16, 4);
        var files = ImageFolder.List(Gt);
        var file = Path.Combine(root, "c.srcache");
        DecodedCache.OpenOrBuild(Gt, files, ImageReadMode.Rgb, file).Dispose();
        var bytes = File.ReadAllBytes(file);
        switch (damage)
        {
            case "index": bytes[40] ^= 0x55; break;
            case "magic": bytes[0] = (byte)'X'; break;
            default: bytes = bytes[..(bytes.Length / 2)]; break;   // the second image's values are lost
        }
        File.WriteAllBytes(file, bytes);
        var messages = new List<string>();
        using var cache = DecodedCache.OpenOrBuild(Gt, files, ImageReadMode.Rgb, file, messages.Add);
        Assert.True(cache.WasBuilt);
        Assert.StartsWith($"warning: decode cache {file} is damaged", messages[0]);
        Assert.True(cache.TryGet(files[0], out var stored));
        Assert.Equal(ImageIO.Read(files[0]).Data, stored.ToImage().Data);
    }

    [Fact]
    public void UnknownCacheOptionIsAnErrorNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ImageSource.FromOptions(new Dictionary<string, object?> { ["type"] = "cache", ["cache_path"] = "/tmp" }, "datasets.train.io_backend"));
        Assert.Contains("datasets.train.io_backend.cache_path", e.Message);
        Assert.Contains("cache_dir", e.Message);
    }
}

using SrTrain.Abstractions.Registry;
using SrTrain.Data;
using SrTrain.Data.Checking;
using SrTrain.Data.Datasets;
using SrTrain.Data.Loading;

namespace SrTrain.Data.Tests.Checking;

public class DatasetInspectorTests
{
    private static DatasetReport Inspect(Dictionary<string, object?> section, bool deep = true, string set = "train")
    {
        var report = new DatasetReport();
        DatasetInspector.Inspect(set, section, PlantedDataset.Scale, deep, report);
        return report;
    }

    private static void AssertFound(DatasetReport report, FindingKind kind, string file, bool blocking)
    {
        var f = report.Findings.Where(x => x.Kind == kind).ToList();
        Assert.True(f.Any(x => x.Subject.EndsWith(file, StringComparison.Ordinal)),
                    $"{kind} for {file} not found; findings:\n{string.Join("\n", report.Findings)}");
        Assert.All(f, x => Assert.Equal(blocking, x.Blocking));
    }

    [Fact]
    public void FindsEveryPlantedDefectAndNothingElse()
    {
        var data = new PlantedDataset();
        var report = Inspect(data.Section());
        AssertFound(report, FindingKind.GtWithoutLq, "gt/0002.png", blocking: true);
        AssertFound(report, FindingKind.LqWithoutGt, "lq/0003.png", blocking: true);
        AssertFound(report, FindingKind.ScaleMismatch, "gt/0004.png", blocking: true);
        AssertFound(report, FindingKind.TooSmall, "gt/0005.png", blocking: true);
        AssertFound(report, FindingKind.Unreadable, "gt/0006.png", blocking: true);
        AssertFound(report, FindingKind.Grayscale, "gt/0007.png", blocking: false);
        AssertFound(report, FindingKind.Alpha, "gt/0008.png", blocking: false);
        AssertFound(report, FindingKind.Duplicate, "gt/0009.png", blocking: false);
        AssertFound(report, FindingKind.Duplicate, "lq/0009.png", blocking: false);
        Assert.Contains("0001.png", report.Findings.First(f => f.Kind == FindingKind.Duplicate && f.Subject.EndsWith("gt/0009.png")).Detail);
        Assert.Contains("truncated", report.Findings.Single(f => f.Kind == FindingKind.Unreadable).Detail);
        Assert.Contains("13x12", report.Findings.Single(f => f.Kind == FindingKind.ScaleMismatch).Detail);
        // No finding about the good pair, and one of each planted kind (GT and LQ each for gray, alpha and duplicates).
        Assert.DoesNotContain(report.Findings, f => f.Subject.EndsWith("0001.png"));
        Assert.True(report.Findings.Count == 11, string.Join("\n", report.Findings));
        Assert.False(report.CanTrain);
        Assert.Equal([("dataroot_gt", 8), ("dataroot_lq", 8)], report.Roots.Select(r => (r.Key, r.Images)));
    }

    [Fact]
    public void HeaderPassFindsSizesWithoutDecoding()
    {
        var data = new PlantedDataset();
        var report = Inspect(data.Section(), deep: false);
        AssertFound(report, FindingKind.ScaleMismatch, "gt/0004.png", blocking: true);
        AssertFound(report, FindingKind.TooSmall, "gt/0005.png", blocking: true);
        // The truncated file's header is intact and no file is hashed: those need the full pass.
        Assert.DoesNotContain(report.Findings, f => f.Kind is FindingKind.Unreadable or FindingKind.Duplicate);
    }

    [Fact]
    public void ValidationSetsAcceptGtThatWasNotModCroppedButNotOtherSizes()
    {
        var root = RepoPaths.NewTempDir("srtrain-valsizes");
        ImageIO.Write(Path.Combine(root, "gt", "a.png"), TestImages.Pattern(50, 49, 3));   // 12x12 LQ: 48 + 2, 48 + 1 rows left over
        ImageIO.Write(Path.Combine(root, "lq", "a.png"), TestImages.Pattern(12, 12, 3));
        ImageIO.Write(Path.Combine(root, "gt", "b.png"), TestImages.Pattern(52, 48, 3, salt: 1));   // 4 rows too many for x4
        ImageIO.Write(Path.Combine(root, "lq", "b.png"), TestImages.Pattern(12, 12, 3, salt: 1));
        var section = new Dictionary<string, object?> { ["type"] = "PairedImageDataset", ["dataroot_gt"] = Path.Combine(root, "gt"), ["dataroot_lq"] = Path.Combine(root, "lq") };
        var report = Inspect(section, set: "val");
        Assert.Equal("b.png", Path.GetFileName(Assert.Single(report.Findings).Subject));
    }

    [Fact]
    public void MissingFoldersEmptyFoldersAndMetaInfoNamingMissingImages()
    {
        var data = new PlantedDataset();
        var empty = RepoPaths.NewTempDir("srtrain-empty");
        var report = Inspect(new() { ["type"] = "PairedImageDataset", ["dataroot_gt"] = Path.Combine(data.Root, "nope"), ["dataroot_lq"] = empty });
        AssertFound(report, FindingKind.MissingFolder, "nope", blocking: true);
        AssertFound(report, FindingKind.Empty, Path.GetFileName(empty), blocking: true);

        var meta = Path.Combine(data.Root, "meta.txt");
        File.WriteAllLines(meta, ["0001.png (48,48,3)", "0042.png (48,48,3)"]);
        var section = data.Section();
        section["meta_info_file"] = meta;
        report = Inspect(section);
        AssertFound(report, FindingKind.MissingFile, "gt/0042.png", blocking: true);
        AssertFound(report, FindingKind.MissingFile, "lq/0042.png", blocking: true);
        Assert.Contains("meta.txt", report.Findings.First(f => f.Subject.EndsWith("gt/0042.png")).Detail);

        var bicubic = Inspect(new() { ["type"] = "BicubicOnTheFlyDataset", ["dataroot_gt"] = data.Gt, ["gt_size"] = 64 });
        Assert.Contains(bicubic.Findings, f => f.Kind == FindingKind.TooSmall && f.Subject.EndsWith("0001.png"));
    }

    [Fact]
    public void TrainingDatasetFailsBeforeLoadingWithTheFilesNamed()
    {
        var data = new PlantedDataset();
        foreach (var name in new[] { "0002", "0003", "0006", "0007", "0008", "0009" })
            foreach (var f in new[] { data.GtPath(name), data.LqPath(name) }) File.Delete(f);
        var dataset = TypeRegistry.Create<IImageDataset>(RegistryKind.Dataset, data.Section(), "datasets.train",
            new Dictionary<string, object?> { ["scale"] = 4, ["phase"] = "train" }, DataLoaderOptions.Keys);
        var e = Assert.Throws<InvalidDataException>(() => DatasetInspector.CheckSizes(dataset, "datasets.train"));
        Assert.Contains("datasets.train: GT/LQ size mismatch: " + data.GtPath("0004"), e.Message);
        Assert.Contains("datasets.train: smaller than the patch: " + data.GtPath("0005"), e.Message);
        Assert.Contains("srtrain check", e.Message);
    }

    [Fact]
    public void OnBadImageSkipReplacesTheSampleAndReportsTheFileOnce()
    {
        var data = new PlantedDataset();
        foreach (var name in new[] { "0002", "0003", "0004", "0005", "0007", "0008", "0009" })
            foreach (var f in new[] { data.GtPath(name), data.LqPath(name) }) File.Delete(f);
        // Nothing of the image data is left, so any crop fails.
        File.WriteAllBytes(data.GtPath("0006"), File.ReadAllBytes(data.GtPath("0006"))[..60]);
        var section = data.Section();
        var dataset = TypeRegistry.Create<IImageDataset>(RegistryKind.Dataset, section, "datasets.train",
            new Dictionary<string, object?> { ["scale"] = 4, ["phase"] = "train" }, DataLoaderOptions.Keys);
        Assert.Throws<ImageReadException>(() => BadImagePolicy.Apply(dataset, section, "datasets.train").Get(1, SampleRng.For(1, 0, 0)));

        section[BadImagePolicy.Key] = "skip";
        var reports = new List<string>();
        var skipping = BadImagePolicy.Apply(dataset, section, "datasets.train", reports.Add);
        var s1 = skipping.Get(1, SampleRng.For(1, 0, 0));
        var s2 = skipping.Get(1, SampleRng.For(1, 0, 1));
        Assert.Equal(data.GtPath("0001"), s1.GtPath);   // 0006 (index 1) is replaced by the next readable: index 0 (wraps)
        Assert.Equal(data.GtPath("0001"), s2.GtPath);
        Assert.Contains(data.GtPath("0006"), Assert.Single(reports));

        section[BadImagePolicy.Key] = "ignore";
        var e = Assert.Throws<OptionException>(() => BadImagePolicy.Apply(dataset, section, "datasets.train"));
        Assert.Contains("datasets.train.on_bad_image: 'ignore' is not one of fail, skip", e.Message);
    }
}

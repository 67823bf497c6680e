namespace SrTrain.Cli.Tests;

/// <summary>Input errors as a user meets them through <c>srtrain train</c>: each fails before the first step (or, for an
/// image that breaks mid-run, at that image) with exit code 2 and one message naming the file, key or value, never a
/// stack trace; <c>on_bad_image: skip</c> trains on and reports the file in the training log.</summary>
[Collection(SerialCliCollection.Name)]
public class InputErrorTests
{
    private static readonly SmokeData Data = new(scale: 4, trainImages: 3, valImages: 1, hrSize: 32);

    private static string Fails(string name, params string[] sets)
    {
        var root = RepoPaths.NewTempDir("srtrain-input");
        var args = new List<string> { "train", "-opt", Data.PsnrOptions(name, 2, root) };
        foreach (var s in sets) args.AddRange(["--set", s]);
        var (rc, output, error) = CliRun.Capture([.. args]);
        Assert.True(rc == 2, $"exit code {rc}: {error}{output}");
        Assert.StartsWith("srtrain: ", error);
        Assert.DoesNotContain("   at ", output + error);
        return error.Trim();
    }

    [Fact]
    public void WrongTypeNamesKeyAndValue() =>
        Assert.Contains("options.train.total_iter: 'many' is not an integer", Fails("in_type", "train.total_iter=many"));

    [Fact]
    public void MissingDatasetFolderNamesKeyAndFolder() =>
        Assert.Contains("dataroot_gt: folder '/nonexistent/gt' does not exist", Fails("in_missing", "datasets.train.dataroot_gt=/nonexistent/gt"));

    [Fact]
    public void EmptyDatasetFolderNamesIt()
    {
        var empty = RepoPaths.NewTempDir("srtrain-empty");
        Assert.Contains($"dataroot_lq: folder '{empty}' holds no image files", Fails("in_empty", $"datasets.train.dataroot_lq={empty}"));
    }

    [Fact]
    public void MetaInfoNamingMissingImagesListsThem()
    {
        var meta = Path.Combine(RepoPaths.NewTempDir("srtrain-meta"), "meta.txt");
        File.WriteAllLines(meta, ["0001.png (32,32,3)", "0404.png (32,32,3)"]);
        var e = Fails("in_meta", $"datasets.train.meta_info_file={meta}");
        Assert.Contains($"meta_info_file '{meta}' lists 2 file(s) that do not exist", e);
        Assert.Contains(Path.Combine(Data.Hr("train"), "0404.png"), e);
    }

    [Fact]
    public void UnpairedImagesAreListedBothWays()
    {
        var lq = RepoPaths.NewTempDir("srtrain-unpaired");
        File.Copy(Path.Combine(Data.Lr("train"), "0001.png"), Path.Combine(lq, "0001.png"));
        File.Copy(Path.Combine(Data.Lr("train"), "0002.png"), Path.Combine(lq, "0009.png"));
        var e = Fails("in_unpaired", $"datasets.train.dataroot_lq={lq}");
        Assert.Contains("2 GT file(s) without LQ: 0002.png", e);
        Assert.Contains("1 LQ file(s) without GT", e);
        Assert.Contains("0009.png", e);
    }

    [Fact]
    public void PatchLargerThanTheImagesNamesTheFiles() =>
        Assert.Contains("datasets.train: smaller than the patch: " + Path.Combine(Data.Hr("train"), "0001.png") + ": GT 32x32 (LQ 8x8) is smaller than the patch gt_size 64",
                        Fails("in_patch", "datasets.train.gt_size=64"));

    [Theory]
    [InlineData("network_g.type=RRDBNett", "network_g.type: unknown arch type 'RRDBNett' (did you mean 'RRDBNet'?)")]
    [InlineData("train.pixel_opt.type=L2Loss", "train.pixel_opt.type: unknown loss type 'L2Loss'")]
    [InlineData("datasets.train.type=PairedDataset", "datasets.train.type: unknown dataset type 'PairedDataset'")]
    public void UnknownTypesNameTheKeyAndTheNearestName(string set, string expected) => Assert.Contains(expected, Fails("in_unknown", set));

    /// <summary>Found by srtrain-bench --fuzz (seed 7034) on the build before: num_grow_ch 0 built an RRDBNet with empty
    /// convolutions and died at the first forward with libtorch's message and a stack trace.</summary>
    [Theory]
    [InlineData("network_g.num_grow_ch=0")]
    [InlineData("network_g.num_feat=-1")]
    public void ZeroSizedLayersAreRejectedWhenTheNetworkIsBuilt(string set)
    {
        var e = Fails("in_zero", set);
        Assert.Contains("network_g: arch type RRDBNet rejected its options: Conv2d: channels", e);
    }

    [Fact]
    public void MissingVggWeightsNameTheKeyAndFile()
    {
        var root = RepoPaths.NewTempDir("srtrain-input");
        var options = Data.EsrganOptions("in_vgg", 2, root, pretrained: "~");
        var (rc, output, error) = CliRun.Capture("train", "-opt", options, "--set", "path.pretrain_network_g=~",
                                                 "--set", "train.perceptual_opt.vgg_pretrained=true",
                                                 "--set", "train.perceptual_opt.vgg_pretrained_path=/nonexistent/vgg19.pth");
        Assert.Equal(2, rc);
        Assert.Contains("/nonexistent/vgg19.pth", error);
        Assert.Contains("vgg_pretrained", error);
        Assert.DoesNotContain("   at ", output + error);
    }

    [Fact]
    public void CheckpointShapeMismatchListsTheKeys()
    {
        var root = RepoPaths.NewTempDir("srtrain-input");
        var (rc, output, error) = CliRun.Capture("train", "-opt", Data.PsnrOptions("in_ckpt_src", 1, root));
        Assert.True(rc == 0, error + output);
        var weights = Path.Combine(root, "experiments", "in_ckpt_src", "models", "net_g_1.pth");
        var e = Fails("in_ckpt", $"path.pretrain_network_g={weights}", "network_g.num_feat=16");
        Assert.Contains("size mismatch", e);
        Assert.Contains("conv_first.weight", e);
    }

    [Fact]
    public void ABrokenImageStopsTrainingNamingItOrIsSkippedWhenAsked()
    {
        var data = new SmokeData(scale: 4, trainImages: 3, valImages: 1, hrSize: 32);
        var broken = Path.Combine(data.Hr("train"), "0002.png");
        File.WriteAllBytes(broken, File.ReadAllBytes(broken)[..60]);   // header intact, image data gone
        var root = RepoPaths.NewTempDir("srtrain-input");
        string[] common = ["--set", "datasets.train.batch_size_per_gpu=1", "--set", "datasets.train.num_worker_per_gpu=1"];

        var (rc, output, error) = CliRun.Capture(["train", "-opt", data.PsnrOptions("in_bad_fail", 6, root), .. common]);
        Assert.Equal(2, rc);
        Assert.Contains($"srtrain: {broken}: cannot read image", error);
        Assert.DoesNotContain("   at ", output + error);

        (rc, output, error) = CliRun.Capture(["train", "-opt", data.PsnrOptions("in_bad_skip", 6, root), .. common, "--set", "datasets.train.on_bad_image=skip"]);
        Assert.True(rc == 0, error + output);
        // Reported once, though visited twice: as a warning of the training log, on the console and in the log file.
        var console = output + error;
        Assert.Single(console.Split('\n'), l => l.Contains("on_bad_image", StringComparison.Ordinal));
        Assert.Contains($"WARN: on_bad_image: skip: {broken}: cannot read image", console);
        var exp = Path.Combine(root, "experiments", "in_bad_skip");
        var logFile = Assert.Single(Directory.GetFiles(exp, "train_*.log"));
        var logged = File.ReadAllLines(logFile).Where(l => l.Contains("on_bad_image", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(logged);
        Assert.Contains($"WARN: on_bad_image: skip: {broken}: cannot read image", line);
        Assert.True(File.Exists(Path.Combine(exp, "models", "net_g_6.pth")));
    }
}

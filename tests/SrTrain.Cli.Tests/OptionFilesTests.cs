using System.Globalization;
using SrTrain.Abstractions.Options;

namespace SrTrain.Cli.Tests;

/// <summary>The option files shipped under options/train and options/test: each one binds and builds every
/// registered section (through <c>srtrain options --check</c>, the user's own check), the files agree with
/// each other (a test file's network and checkpoint are its training file's), and a smoke file trains and
/// tests through <c>srtrain train</c> / <c>srtrain test</c>. A typo in any shipped file fails here.</summary>
[Collection(SerialCliCollection.Name)]
public class OptionFilesTests
{
    private static readonly string OptionsDir = Path.Combine(RepoPaths.Root, "options");

    public static IEnumerable<object[]> ShippedFiles() =>
        new[] { "train", "test" }
            .SelectMany(phase => Directory.EnumerateFiles(Path.Combine(OptionsDir, phase), "*.yml", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(OptionsDir, f))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new object[] { f });

    public static IEnumerable<object[]> ShippedAblationFiles() =>
        Directory.EnumerateFiles(Path.Combine(OptionsDir, "ablation"), "*.yml")
            .Select(f => Path.GetRelativePath(OptionsDir, f))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new object[] { f });

    private static ExperimentOptions Load(string relative) =>
        OptionFile.Load(Path.Combine(OptionsDir, relative), isTrain: relative.StartsWith("train"), useEnvironment: false);

    [Fact]
    public void EveryModelHasItsTrainTestAndSmokeFiles()
    {
        var files = ShippedFiles().Select(f => (string)f[0]).ToHashSet();
        string[] expected =
        [
            "train/SRResNet_SRGAN/train_MSRResNet_x4.yml", "train/SRResNet_SRGAN/train_SRResNet_x4.yml", "train/SRResNet_SRGAN/train_SRGAN_x4.yml",
            "train/ESRGAN/train_RRDBNet_PSNR_x4.yml", "train/ESRGAN/train_ESRGAN_x4.yml", "train/MDSR/train_MDSR.yml",
            .. new[] { "M", "L" }.SelectMany(v => new[] { 2, 3, 4 }.Select(s => $"train/EDSR/train_EDSR_{v}x{s}.yml")),
            .. new[] { "SRCNN", "ESPCN", "VDSR" }.SelectMany(a => new[] { 2, 3, 4 }.Select(s => $"train/Classic/train_{a}_x{s}.yml")),
        ];
        foreach (var train in expected)
        {
            Assert.Contains(train, files);
            var test = train.Replace("train/", "test/").Replace("/train_", "/test_").Replace("test_MDSR.yml", "test_MDSR_x4.yml");
            Assert.True(files.Contains(test), $"{train} has no test file {test}");
        }
        var smokeTrain = files.Where(f => f.StartsWith("train/smoke/")).ToList();
        Assert.True(smokeTrain.Count >= 8, $"smoke train files: {string.Join(", ", smokeTrain)}");
        foreach (var f in smokeTrain)
            Assert.Contains(f.Replace("train/smoke/train_", "test/smoke/test_"), files);
    }

    [Theory]
    [MemberData(nameof(ShippedAblationFiles))]
    public void AblationFileChecksRunByRun(string relative)
    {
        var (rc, output, error) = CliRun.Capture("options", "--check", Path.Combine(OptionsDir, relative), "--set", "name=check_never_trained");
        Assert.True(rc == 0, $"{relative}: {error}{output}");
        Assert.Contains(": OK (ablation, ", output);
        Assert.Contains("  network_g: ", output);
        Assert.Contains("  train.optim_g: ", output);
    }

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void FileBindsAndEveryRegisteredSectionBuilds(string relative)
    {
        var (rc, output, error) = CliRun.Capture("options", "--check", Path.Combine(OptionsDir, relative));
        Assert.True(rc == 0, $"{relative}: {error}{output}");
        Assert.Contains(": OK (", output);
        Assert.Contains("network_g: ", output);
        Assert.DoesNotContain("warning:", output.Replace("prefetch_mode", ""));   // no key without effect
        var o = Load(relative);
        Assert.NotEmpty(o.Val?.Metrics ?? []);
        if (relative.StartsWith("train")) Assert.Contains("train.optim_g: ", output);
    }

    [Fact]
    public void TestFilesLoadTheWeightsTheirTrainingFilesWrite()
    {
        var trains = ShippedFiles().Select(f => (string)f[0]).Where(f => f.StartsWith("train")).ToDictionary(f => Load(f).Name, Load);
        foreach (var test in ShippedFiles().Select(f => (string)f[0]).Where(f => f.StartsWith("test")))
        {
            var t = Load(test);
            var weights = t.Path.PretrainNetworkG ?? throw new Xunit.Sdk.XunitException($"{test}: no pretrain_network_g");
            var (train, iter) = Producer(weights, trains, test);
            Assert.True(iter == train.Train!.TotalIter, $"{test}: loads iteration {iter}, {train.Name} ends at {train.Train.TotalIter}");
            Assert.True(SameSection(t.NetworkG!, train.NetworkG!), $"{test}: network_g differs from {train.Name}'s");
            Assert.True(t.Scale == train.Scale, $"{test}: scale {t.Scale}, trained at {train.Scale}");
            Assert.True(t.Path.ParamKeyG == (train.Train.EmaDecay > 0 ? "params_ema" : "params"),
                        $"{test}: param_key_g {t.Path.ParamKeyG} but {train.Name} has ema_decay {train.Train.EmaDecay}");
            Assert.True(t.Path.StrictLoadG, $"{test}: strict_load_g must be true to catch a wrong network");
            foreach (var (phase, section) in t.Datasets)
                Assert.True(phase.StartsWith("test_"), $"{test}: dataset phase '{phase}' is not test_N");
        }
        // Training files that start from another run's weights name a run and iteration that exist.
        foreach (var (name, train) in trains)
            if (train.Path.PretrainNetworkG is { } pre && pre.StartsWith("experiments/") && !pre.Contains("pretrained_models"))
            {
                var (producer, iter) = Producer(pre, trains, name);
                Assert.True(iter == producer.Train!.TotalIter, $"{name}: starts from iteration {iter} of {producer.Name}");
                Assert.True(producer.Name != name, $"{name} starts from itself");
            }
    }

    /// <summary>The training file whose run writes <paramref name="weights"/> (experiments/&lt;name&gt;/models/net_g_&lt;iter&gt;.pth).</summary>
    private static (ExperimentOptions Train, long Iter) Producer(string weights, Dictionary<string, ExperimentOptions> trains, string who)
    {
        var parts = weights.Split('/');
        Assert.True(parts is ["experiments", _, "models", _] && parts[3].StartsWith("net_g_") && parts[3].EndsWith(".pth"),
                    $"{who}: weights '{weights}' are not experiments/<name>/models/net_g_<iter>.pth");
        Assert.True(trains.TryGetValue(parts[1], out var train), $"{who}: no training file is named {parts[1]}");
        return (train!, long.Parse(parts[3]["net_g_".Length..^".pth".Length], CultureInfo.InvariantCulture));
    }

    private static bool SameSection(Dictionary<string, object?> a, Dictionary<string, object?> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && Text(kv.Value) == Text(v));

    private static string Text(object? v) => v switch
    {
        null => "~",
        IEnumerable<object?> list when v is not string => "[" + string.Join(",", list.Select(Text)) + "]",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture)!,
    };

    [Fact]
    public void SmokeFileTrainsAndTestsThroughTheCli()
    {
        var data = new SmokeData(scale: 4, trainImages: 4, valImages: 2, hrSize: 64);
        var meta = Path.Combine(data.Root, "meta_info.txt");
        Data.Preparation.MetaInfo.Write(data.Hr("train"), meta);
        var root = RepoPaths.NewTempDir("srtrain-smokefile");
        string[] dataSets =
        [
            "--set", $"datasets.train.dataroot_gt={data.Hr("train")}", "--set", $"datasets.train.dataroot_lq={data.Lr("train")}",
            "--set", $"datasets.train.meta_info_file={meta}",
            "--set", $"datasets.val.dataroot_gt={data.Hr("val")}", "--set", $"datasets.val.dataroot_lq={data.Lr("val")}",
            "--set", "datasets.val.filename_tmpl={}",
        ];
        var train = Path.Combine(OptionsDir, "train", "smoke", "train_MSRResNet_x4.yml");
        var (rc, output, error) = CliRun.Capture(["train", "-opt", train, "--set", $"path.root={root}", "--set", "train.total_iter=4",
                                                  "--set", "logger.print_freq=1", "--set", "datasets.train.num_worker_per_gpu=0", .. dataSets]);
        Assert.True(rc == 0, error + output);
        var exp = Path.Combine(root, "experiments", "smoke_MSRResNet_x4");
        var weights = Path.Combine(exp, "models", "net_g_4.pth");
        Assert.True(File.Exists(weights), output);
        var losses = File.ReadAllLines(Path.Combine(exp, "scalars.csv"));
        Assert.True(losses.Length >= 5, string.Join("\n", losses));   // header + 4 logged iterations (+ validation)

        var test = Path.Combine(OptionsDir, "test", "smoke", "test_MSRResNet_x4.yml");
        (rc, output, error) = CliRun.Capture("test", "-opt", test, "--set", $"path.root={root}", "--set", $"path.pretrain_network_g={weights}",
                                             "--set", $"datasets.test_1.dataroot_gt={data.Hr("val")}", "--set", $"datasets.test_1.dataroot_lq={data.Lr("val")}",
                                             "--set", "datasets.test_1.filename_tmpl={}");
        Assert.True(rc == 0, error + output);
        var csv = File.ReadAllLines(Path.Combine(root, "results", "smoke_test_MSRResNet_x4", "metrics.csv"));
        var psnr = csv.Single(l => l.StartsWith("demo_valid,psnr,")).Split(',');
        Assert.InRange(double.Parse(psnr[2], CultureInfo.InvariantCulture), 5, 60);
        Assert.Equal("2", psnr[3]);
    }
}

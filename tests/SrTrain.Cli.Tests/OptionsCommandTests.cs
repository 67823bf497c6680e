using SrTrain.Abstractions.Options;

namespace SrTrain.Cli.Tests;

/// <summary><c>srtrain options</c>: the schema lists keys with types and defaults, <c>--check</c> accepts a
/// good file and names a misspelled key, and docs/options.md is the generated Markdown.</summary>
[Collection(SerialCliCollection.Name)]
public class OptionsCommandTests
{
    [Fact]
    public void SchemaListsEveryKeyWithTypeAndDefault()
    {
        var (rc, output, _) = CliRun.Capture("options", "--schema");
        Assert.Equal(0, rc);
        foreach (var key in OptionSchema.Keys())
            Assert.Contains("\n" + key + ":", "\n" + output);
        Assert.Contains("train.total_iter: int (required)", output);
        Assert.Contains("train.ema_decay: float = 0", output);
        Assert.Contains("path.param_key_g: str = 'params'", output);
        Assert.Contains("logger.wandb: Object = ~", output);
        Assert.Contains("accepted, no effect: Weights & Biases", output);
    }

    [Fact]
    public void CheckAcceptsAGoodFileAndReportsWhatItBuilt()
    {
        var file = Path.Combine(RepoPaths.Root, "options", "train", "ESRGAN", "train_ESRGAN_x4.yml");
        var (rc, output, error) = CliRun.Capture("options", "--check", file);
        Assert.True(rc == 0, error);
        Assert.Contains("network_g: RRDBNet, 16,697,987 parameters", output);   // BasicSR's ESRGAN generator
        Assert.Contains("network_d: VGGStyleDiscriminator", output);
        Assert.Contains("train.perceptual_opt: PerceptualLoss", output);
        Assert.Contains("train.optim_d: Adam, scheduler MultiStepLR", output);
        Assert.Contains("train_ESRGAN_x4.yml: OK (train, ESRGANModel, RRDBNet)", output);
    }

    [Theory]
    [InlineData("num_block: 23", "num_blok: 23", "network_g: unknown key 'num_blok'", "did you mean 'num_block'")]
    [InlineData("type: L1Loss", "type: L1Los", "unknown loss type 'L1Los'", "did you mean 'L1Loss'")]
    [InlineData("gt_size: 128", "gt_sise: 128", "datasets.train: unknown key 'gt_sise'", "did you mean 'gt_size'")]
    [InlineData("crop_border: 4", "crop_boarder: 4", "val.metrics.psnr: unknown key 'crop_boarder'", "did you mean 'crop_border'")]
    [InlineData("gamma: 0.5", "gama: 0.5", "train.scheduler: unknown key 'gama'", "did you mean 'gamma'")]
    [InlineData("num_in_ch: 3\n  num_out_ch: 3\n  num_feat: 64\n  num_block: 23", "num_in_ch: 3\n  num_out_ch: 3\n  num_feat: 64\n  num_block: 23\n  scale: 2",
                "network_g.scale is 2 but scale is 4", "")]
    public void CheckRejectsAMistakeNamingTheKey(string good, string bad, string message, string suggestion)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "options", "train", "ESRGAN", "train_ESRGAN_x4.yml"));
        Assert.Contains(good, text);
        var dir = Path.Combine(RepoPaths.NewTempDir("srtrain-check"), "train");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "bad.yml");
        File.WriteAllText(file, ReplaceFirst(text, good, bad));
        var (rc, _, error) = CliRun.Capture("options", "--check", file);
        Assert.Equal(2, rc);
        Assert.Contains("bad.yml", error);
        Assert.Contains(message, error);
        Assert.Contains(suggestion, error);
    }

    [Fact]
    public void CheckTakesAnAblationFileRunByRun()
    {
        var file = Path.Combine(RepoPaths.Root, "options", "ablation", "quickstart_demo.yml");
        // A name no run has trained under: the GAN stage's initial weights are not there yet, which a check allows.
        var (rc, output, error) = CliRun.Capture("options", "--check", file, "--set", "name=check_never_trained");
        Assert.True(rc == 0, error);
        Assert.Contains("run srresnet (SRModel, MSRResNet):", output);
        Assert.Contains("  network_g: MSRResNet, 69,027 parameters", output);
        Assert.Contains("run esrgan (ESRGANModel, RRDBNet):", output);
        Assert.Contains("  train.optim_d: Adam, scheduler MultiStepLR", output);
        Assert.Contains("(not there yet)", output);
        Assert.Contains("quickstart_demo.yml: OK (ablation, 4 runs: srresnet, edsr, esrgan_psnr, esrgan)", output);
    }

    [Fact]
    public void ABadKeyInAnAblationRunIsNamedWithItsRun()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "options", "ablation", "quickstart_demo.yml"));
        var file = Path.Combine(RepoPaths.NewTempDir("srtrain-check-ablation"), "bad.yml");
        File.WriteAllText(file, ReplaceFirst(text, "type: EDSR, num_feat: 24, num_block: 2", "type: EDSR, num_feat: 24, num_blok: 2"));
        var (rc, _, error) = CliRun.Capture("options", "--check", file);
        Assert.Equal(2, rc);
        Assert.Contains("bad.yml: runs[1] (edsr): network_g: unknown key 'num_blok'", error);
        Assert.Contains("did you mean 'num_block'", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void CheckTellsTrainFromTestFilesByFolderOrPhase()
    {
        var test = Path.Combine(RepoPaths.Root, "options", "test", "ESRGAN", "test_ESRGAN_x4.yml");
        var (rc, output, error) = CliRun.Capture("options", "--check", test);
        Assert.True(rc == 0, error);
        Assert.Contains("OK (test, SRModel, RRDBNet)", output);
        (rc, _, error) = CliRun.Capture("options", "--check", test, "--phase", "train");
        Assert.Equal(2, rc);
        Assert.Contains("needs a 'train' section", error);
    }

    [Fact]
    public void DocsOptionsMdIsTheGeneratedReference()
    {
        var (rc, output, _) = CliRun.Capture("options", "--schema", "--markdown");
        Assert.Equal(0, rc);
        Assert.Contains("| `train.total_iter` | int | required | iterations to train |", output);
        Assert.Contains("#### RRDBNet", output);
        Assert.Contains("| `num_block` | int | `23` |", output);
        Assert.Contains("#### PairedImageDataset", output);
        var committed = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "options.md"));
        Assert.True(committed == output,
            $"docs/options.md is stale: regenerate it with `{OptionSchema.RegenerateCommand}`");
    }

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        int i = text.IndexOf(old, StringComparison.Ordinal);
        return text[..i] + replacement + text[(i + old.Length)..];
    }
}

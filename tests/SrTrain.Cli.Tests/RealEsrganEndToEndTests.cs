using System.Globalization;

namespace SrTrain.Cli.Tests;

/// <summary>Real-ESRGAN's two stages as a user runs them, on the shipped smoke files with generated data and a few
/// iterations: `srtrain train` on options/train/smoke/train_realesrnet_x4plus.yml, then on train_realesrgan_x4plus.yml
/// from the Net stage's weights; the checkpoints load strictly into the PyTorch reference RRDBNet and
/// UNetDiscriminatorSN (tests/fixtures/archs_ref.py); `--debug-degradations` writes pairs to look at.</summary>
[Collection(SerialCliCollection.Name)]
public class RealEsrganEndToEndTests
{
    private static readonly string Smoke = Path.Combine(RepoPaths.Root, "options", "train", "smoke");

    // 132 x 132 GT photos: larger than crop_pad_size 96, so the dataset crops them.
    private static readonly SmokeData Data = new(scale: 4, trainImages: 4, valImages: 1, hrSize: 132);

    private static string[] Sets(string root, int iters) =>
    [
        "--set", $"path.root={root}", "--set", $"train.total_iter={iters}", "--set", "logger.print_freq=1",
        "--set", $"val.val_freq={iters}", "--set", $"logger.save_checkpoint_freq={iters}",
        "--set", $"datasets.train.dataroot_gt={Data.Hr("train")}", "--set", "datasets.train.num_worker_per_gpu=0",
        "--set", "datasets.train.batch_size_per_gpu=2", "--set", "queue_size=4",
        "--set", $"datasets.val.dataroot_gt={Data.Hr("val")}", "--set", $"datasets.val.dataroot_lq={Data.Lr("val")}",
        "--set", "datasets.val.filename_tmpl={}",
    ];

    private static List<Dictionary<string, double>> ReadScalars(string experiment)
    {
        var lines = File.ReadAllLines(Path.Combine(experiment, "scalars.csv"));
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => l.Split(','))
            .Select(cells => header.Zip(cells).Where(p => p.Second.Length > 0)
                .ToDictionary(p => p.First, p => double.Parse(p.Second, CultureInfo.InvariantCulture)))
            .ToList();
    }

    [Fact]
    public void NetStageThenGanStageFromItsWeights()
    {
        var root = RepoPaths.NewTempDir("srtrain-realesrgan");
        // 5 iterations with batch 2 and a pool of 4: the pool fills in 2, then every batch is swapped with pooled pairs.
        var (rc, output, error) = CliRun.Capture(["train", "-opt", Path.Combine(Smoke, "train_realesrnet_x4plus.yml"), .. Sets(root, 5)]);
        Assert.True(rc == 0, error + output);
        var net = Path.Combine(root, "experiments", "smoke_RealESRNet_x4plus");
        var rows = ReadScalars(net);
        Assert.Equal(5, rows.Count(r => r.ContainsKey("l_pix")));
        Assert.All(rows.Where(r => r.ContainsKey("l_pix")), r => Assert.True(double.IsFinite(r["l_pix"]) && r["l_pix"] > 0));
        Assert.Contains(rows, r => r.ContainsKey("metrics/demo_valid/psnr"));
        var netWeights = Path.Combine(net, "models", "net_g_5.pth");

        (rc, output, error) = CliRun.Capture(["train", "-opt", Path.Combine(Smoke, "train_realesrgan_x4plus.yml"), .. Sets(root, 3),
                                                     "--set", $"path.pretrain_network_g={netWeights}"]);
        Assert.True(rc == 0, error + output);
        var gan = Path.Combine(root, "experiments", "smoke_RealESRGAN_x4plus");
        foreach (var key in new[] { "l_g_pix", "l_g_percep", "l_g_gan", "l_d_real", "l_d_fake", "out_d_real", "out_d_fake" })
            Assert.All(ReadScalars(gan).Where(r => r.ContainsKey("l_d_real")), r => Assert.True(r.ContainsKey(key) && double.IsFinite(r[key]), $"{key} logged and finite"));

        var loaded = PythonReference.Run("""
            import sys, torch
            from archs_ref import RRDBNet, UNetDiscriminatorSN
            for path in sys.argv[1:3]:
                ckpt = torch.load(path, weights_only=True)
                for key in ("params", "params_ema"):
                    g = RRDBNet(3, 3, scale=4, num_feat=16, num_block=1, num_grow_ch=8)
                    g.load_state_dict(ckpt[key], strict=True)
                    assert g(torch.rand(1, 3, 8, 8)).shape == (1, 3, 32, 32)
            d = UNetDiscriminatorSN(3, num_feat=8, skip_connection=True)
            d.load_state_dict(torch.load(sys.argv[3], weights_only=True)["params"], strict=True)
            assert d(torch.rand(1, 3, 32, 32)).shape == (1, 1, 32, 32)
            print("loaded")
            """, netWeights, Path.Combine(gan, "models", "net_g_3.pth"), Path.Combine(gan, "models", "net_d_3.pth"));
        Assert.Equal("loaded", loaded.Trim());
    }

    [Fact]
    public void DebugDegradationsWritesPairsAndTrainsNothing()
    {
        var root = RepoPaths.NewTempDir("srtrain-realesrgan-debug");
        var (rc, output, error) = CliRun.Capture(["train", "-opt", Path.Combine(Smoke, "train_realesrgan_x4plus.yml"), .. Sets(root, 5),
                                                         "--set", "path.pretrain_network_g=~", "--debug-degradations", "5"]);
        Assert.True(rc == 0, error + output);
        var folder = Path.Combine(root, "experiments", "smoke_RealESRGAN_x4plus", "debug_degradations");
        Assert.Contains(folder, output);
        var files = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(10, files.Count);
        Assert.Equal(["000_gt.png", "000_lq.png"], files.Take(2));
        var lq = SrTrain.Data.ImageIO.Read(Path.Combine(folder, "004_lq.png"));
        var gt = SrTrain.Data.ImageIO.Read(Path.Combine(folder, "004_gt.png"));
        Assert.Equal((16, 16), (lq.Height, lq.Width));
        Assert.Equal((64, 64), (gt.Height, gt.Width));
        Assert.False(Directory.Exists(Path.Combine(root, "experiments", "smoke_RealESRGAN_x4plus", "models")) &&
                     Directory.GetFiles(Path.Combine(root, "experiments", "smoke_RealESRGAN_x4plus", "models")).Length > 0);
    }

    [Fact]
    public void OptionsCheckValidatesTheDegradationKeys()
    {
        var file = Path.Combine(Smoke, "train_realesrnet_x4plus.yml");
        var (rc, output, error) = CliRun.Capture("options", "--check", file);
        Assert.True(rc == 0, error + output);
        Assert.Contains("degradation: gt_size 64, queue_size 8", output);
        (rc, _, error) = CliRun.Capture("options", "--check", file, "--set", "resize_prob2.2=-1");
        Assert.Equal(2, rc);
        Assert.Contains("resize_prob2", error);
    }

    [Theory]
    [InlineData("train_realesrnet_x4plus.yml", "1000000")]
    [InlineData("train_realesrgan_x4plus.yml", "400000")]
    public void BasicSRsOwnFilesPassWithWarningsOnly(string file, string milestone)
    {
        // The shipped files leave out three things of BasicSR's: its wandb and dist_params sections and a scheduler whose
        // only milestone is total_iter. Put back, the file still passes: wandb and the scheduler warn (no effect, never
        // fires), dist_params is taken as it is (used by --launcher runs).
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "options", "train", "RealESRGAN", file))
            .Replace("  total_iter:", $"  scheduler:\n    type: MultiStepLR\n    milestones: [{milestone}]\n    gamma: 0.5\n\n  total_iter:")
            .Replace("  use_tb_logger: true", "  use_tb_logger: true\n  wandb:\n    project: ~\n    resume_id: ~")
            + "\ndist_params:\n  backend: nccl\n  port: 29500\n";
        var path = Path.Combine(RepoPaths.NewTempDir("srtrain-basicsr-file"), file);
        File.WriteAllText(path, text);
        var (rc, output, error) = CliRun.Capture("options", "--check", path);
        Assert.True(rc == 0, error + output);
        foreach (var key in new[] { "wandb", "milestones" }) Assert.Contains(key, output + error);
    }

    [Fact]
    public void OtherModelsRejectTheGtOnlyDatasetByName()
    {
        var root = RepoPaths.NewTempDir("srtrain-realesrgan-wrong");
        var (rc, _, error) = CliRun.Capture(["train", "-opt", Path.Combine(Smoke, "train_realesrnet_x4plus.yml"), .. Sets(root, 2),
                                                    "--set", "model_type=SRModel"]);
        Assert.Equal(2, rc);
        Assert.Contains("RealESRNetModel", error);
        Assert.DoesNotContain("   at ", error);
    }
}

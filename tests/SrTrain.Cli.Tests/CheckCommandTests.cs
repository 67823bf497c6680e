using SrTrain.Data;

namespace SrTrain.Cli.Tests;

/// <summary><c>srtrain check</c> finds every planted defect in a dataset, passes on clean data, and <c>train</c> stops
/// before its first step on the defects its header pass sees, with the same messages.</summary>
[Collection(SerialCliCollection.Name)]
public class CheckCommandTests
{
    [Fact]
    public void PassesOnCleanDataAndReportsCountsAndDiskSpace()
    {
        var data = new SmokeData(scale: 4, trainImages: 4, valImages: 2, hrSize: 64);
        var root = RepoPaths.NewTempDir("srtrain-check");
        var (rc, output, error) = CliRun.Capture("check", "-opt", data.PsnrOptions("check_clean", 20, root, checkpointFreq: 10));
        Assert.True(rc == 0, error + output);
        Assert.Matches(@"datasets\.train\s+│ images in dataroot_gt\s+│ 4 ", output);
        Assert.Matches(@"datasets\.val\s+│ images in dataroot_lq\s+│ 2 ", output);
        Assert.Matches(@"checkpoints\s+│ disk space\s+│ ok\s+│ 2 save\(s\) x ", output);
        Assert.Contains("training can start (12 images read)", output);
    }

    [Fact]
    public void FindsEveryPlantedDefectAndExitsNonZero()
    {
        var data = new SmokeData(scale: 4, trainImages: 8, valImages: 2, hrSize: 64);
        string Hr(string n) => Path.Combine(data.Hr("train"), n + ".png");
        string Lr(string n) => Path.Combine(data.Lr("train"), n + ".png");
        File.Delete(Lr("0001"));                                                     // GT without LQ
        File.Copy(Lr("0002"), Path.Combine(data.Lr("train"), "0100.png"));           // LQ without GT
        ImageIO.Write(Lr("0003"), new Image(15, 16, 3));                             // wrong size for x4
        var hr4 = File.ReadAllBytes(Hr("0004"));
        File.WriteAllBytes(Hr("0004"), hr4[..(hr4.Length * 2 / 3)]);                 // truncated
        ImageIO.Write(Hr("0005"), ImageIO.Read(Hr("0005"), ImageReadMode.Gray));    // grayscale
        ImageIO.Write(Hr("0006"), ImageIO.Read(Hr("0006"), ImageReadMode.Rgba));    // alpha
        File.Copy(Hr("0002"), Hr("0007"), overwrite: true);                          // duplicate GT
        var root = RepoPaths.NewTempDir("srtrain-check");
        var options = data.PsnrOptions("check_planted", 20, root);

        var (rc, output, error) = CliRun.Capture("check", "-opt", options, "--set", "datasets.train.gt_size=80");   // larger than every image
        Assert.True(rc == 1, error + output);
        foreach (var (label, result) in new[] { ("GT without LQ", "FAIL 1"), ("LQ without GT", "FAIL 1"), ("GT/LQ size mismatch", "FAIL 1"),
                                                 ("smaller than the patch", "FAIL"), ("unreadable", "FAIL 1"), ("grayscale", "warn 1"),
                                                 ("alpha channel", "warn 1"), ("duplicate", "warn 1") })
            Assert.Matches($@"datasets\.train\s+│ {System.Text.RegularExpressions.Regex.Escape(label)}\s+│ {result}", output);
        Assert.Contains("error: datasets.train: unreadable: " + Hr("0004") + ": truncated", output);
        Assert.Contains("error: datasets.train: GT without LQ: " + Hr("0001"), output);
        Assert.Contains("error: datasets.train: LQ without GT: " + Path.Combine(data.Lr("train"), "0100.png"), output);
        Assert.Contains("training cannot start", output);
        Assert.DoesNotContain("   at ", output + error);
    }

    [Fact]
    public void AnAblationFileIsCheckedAsItsRunsOverTheirSharedData()
    {
        var data = new SmokeData(scale: 4, trainImages: 4, valImages: 2, hrSize: 64);
        var root = RepoPaths.NewTempDir("srtrain-check");
        var file = Path.Combine(root, "abl.yml");
        File.WriteAllText(file, $$$"""
            name: check_ablation
            scale: 4
            num_gpu: 0
            root: {{{root}}}
            budget: {total_iter: 20, batch_size: 2, gt_size: 32, print_freq: 10}
            datasets:
              train: {type: PairedImageDataset, dataroot_gt: {{{data.Hr("train")}}}, dataroot_lq: {{{data.Lr("train")}}}, num_worker_per_gpu: 0}
              val: {name: smoke_val, type: PairedImageDataset, dataroot_gt: {{{data.Hr("val")}}}, dataroot_lq: {{{data.Lr("val")}}}}
            train:
              optim_g: {type: Adam, lr: !!float 1e-3}
              pixel_opt: {type: L1Loss, loss_weight: 1.0}
            runs:
              - {name: srresnet, network_g: {type: MSRResNet, num_feat: 8, num_block: 1, upscale: 4}}
              - name: gan
                model_type: ESRGANModel
                init_from: srresnet
                network_g: {type: MSRResNet, num_feat: 8, num_block: 1, upscale: 4}
                network_d: {type: UNetDiscriminatorSN, num_in_ch: 3, num_feat: 4}
                train:
                  optim_d: {type: Adam, lr: !!float 1e-4}
                  scheduler: {type: MultiStepLR, milestones: [1000]}
                  perceptual_opt: {type: PerceptualLoss, layer_weights: {'conv1_2': 1}, perceptual_weight: 1.0}
                  gan_opt: {type: GANLoss, gan_type: vanilla, loss_weight: !!float 5e-3}
            """);
        // The GAN run's perceptual loss wants ImageNet VGG weights, which are not here: a check does not need them.
        var (rc, output, error) = CliRun.Capture("check", "-opt", file);
        Assert.True(rc == 0, error + output);
        Assert.Matches(@"datasets\.train\s+│ images in dataroot_gt\s+│ 4 ", output);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, @"images in dataroot_gt\s+│ 4 "));   // read once
        Assert.Matches(@"checkpoints\s+│ disk space, runs\[0\] \(srresnet\)\s+│ ok\s+│ 1 save\(s\) x ", output);
        Assert.Matches(@"checkpoints\s+│ disk space, runs\[1\] \(gan\)\s+│ ok\s+│ 1 save\(s\) x ", output);
        Assert.Contains("training can start (12 images read)", output);
        Assert.Contains("warning: runs[1] (gan): train.scheduler.milestones [1000] come after train.total_iter (20)", output);   // named by run

        File.Delete(Path.Combine(data.Lr("train"), "0001.png"));
        (rc, output, error) = CliRun.Capture("check", "-opt", file);
        Assert.True(rc == 1, error + output);
        Assert.Contains("error: datasets.train: GT without LQ: " + Path.Combine(data.Hr("train"), "0001.png"), output);
        Assert.Contains("training cannot start", output);
    }

    [Fact]
    public void ContradictingOptionsAreReportedInTheTable()
    {
        var data = new SmokeData(scale: 4, trainImages: 2, valImages: 1, hrSize: 32);
        var options = data.PsnrOptions("check_options", 20, RepoPaths.NewTempDir("srtrain-check"));
        var (rc, output, error) = CliRun.Capture("check", "-opt", options, "--set", "logger.print_freq=0", "--set", "datasets.train.gt_size=30");
        Assert.True(rc == 1, error + output);
        Assert.Matches(@"options\s+│ contradictions\s+│ FAIL 2", output);
        Assert.Contains("error: logger.print_freq: must be >= 1, got 0", output);
        Assert.Contains("error: datasets.train.gt_size (30) is not divisible by scale (4)", output);
    }

    [Fact]
    public void TrainStopsBeforeTheFirstStepOnAScaleMismatchNamingTheFile()
    {
        var data = new SmokeData(scale: 4, trainImages: 3, valImages: 1, hrSize: 32);
        var lq = Path.Combine(data.Lr("train"), "0002.png");
        ImageIO.Write(lq, new Image(9, 8, 3));
        var root = RepoPaths.NewTempDir("srtrain-check");
        var (rc, output, error) = CliRun.Capture("train", "-opt", data.PsnrOptions("check_train", 5, root));
        Assert.Equal(2, rc);
        Assert.Contains("datasets.train: GT/LQ size mismatch: " + Path.Combine(data.Hr("train"), "0002.png") + ": GT is 32x32, LQ 0002.png is 9x8", error);
        Assert.DoesNotContain("   at ", output + error);
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "experiments", "check_train", "models")));
    }
}

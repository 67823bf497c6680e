using System.Globalization;

namespace SrTrain.Cli.Tests;

/// <summary><c>high_order_degradation: false</c>: the Real-ESRGAN models train on a paired dataset's LQ instead of
/// synthesising it (Real-ESRGAN's finetune_realesrgan_x4plus_pairdata.yml, with RealESRGANPairedDataset and its
/// "gt, lq" meta_info), and a training set that does not fit the key is an option error naming it.</summary>
[Collection(SerialCliCollection.Name)]
public class RealEsrganPairedTests
{
    private static readonly SmokeData Data = new(scale: 4, trainImages: 3, valImages: 1, hrSize: 48);

    // The pairdata file's keys (USM choices, high_order_degradation, dataset and its meta_info) at smoke sizes; the
    // perceptual loss runs on random VGG weights as in the smoke files.
    private static string PairDataFile(string root, string model, bool? highOrder, string datasetType = "RealESRGANPairedDataset")
    {
        var meta = Path.Combine(root, "meta_info_pairs.txt");
        File.WriteAllLines(meta, Directory.EnumerateFiles(Data.Hr("train")).Order().Select(f => $"{Path.GetFileName(f)}, {Path.GetFileName(f)}"));
        bool gan = model == "RealESRGANModel";
        var path = Path.Combine(root, $"pairdata_{model}.yml");
        File.WriteAllText(path, $$"""
            name: pairdata_{{model}}
            model_type: {{model}}
            scale: 4
            num_gpu: 0
            manual_seed: 0
            {{(gan ? "l1_gt_usm: True\npercep_gt_usm: True\ngan_gt_usm: False" : "")}}
            {{(highOrder is { } h ? $"high_order_degradation: {h}" : "")}}
            datasets:
              train:
                name: pairs
                type: {{datasetType}}
                dataroot_gt: {{Data.Hr("train")}}
                dataroot_lq: {{Data.Lr("train")}}
                {{(datasetType == "RealESRGANPairedDataset" ? $"meta_info: {meta}" : "filename_tmpl: '{}'")}}
                io_backend: {type: disk}
                gt_size: 32
                use_hflip: True
                use_rot: False
                num_worker_per_gpu: 0
                batch_size_per_gpu: 2
              val:
                name: val
                type: PairedImageDataset
                dataroot_gt: {{Data.Hr("val")}}
                dataroot_lq: {{Data.Lr("val")}}
                io_backend: {type: disk}
            network_g: {type: RRDBNet, num_in_ch: 3, num_out_ch: 3, num_feat: 8, num_block: 1, num_grow_ch: 4}
            {{(gan ? "network_d: {type: UNetDiscriminatorSN, num_in_ch: 3, num_feat: 8, skip_connection: True}" : "")}}
            train:
              ema_decay: 0.9
              optim_g: {type: Adam, lr: !!float 1e-4, weight_decay: 0, betas: [0.9, 0.99]}
              {{(gan ? "optim_d: {type: Adam, lr: !!float 1e-4, weight_decay: 0, betas: [0.9, 0.99]}" : "")}}
              total_iter: 2
              warmup_iter: -1
              pixel_opt: {type: L1Loss, loss_weight: 1.0, reduction: mean}
              {{(gan ? "perceptual_opt: {type: PerceptualLoss, layer_weights: {'conv1_2': 0.1, 'conv5_4': 1}, vgg_type: vgg19, use_input_norm: true, perceptual_weight: !!float 1.0, style_weight: 0, range_norm: false, criterion: l1, vgg_pretrained: false}" : "")}}
              {{(gan ? "gan_opt: {type: GANLoss, gan_type: vanilla, real_label_val: 1.0, fake_label_val: 0.0, loss_weight: !!float 1e-1}" : "")}}
            val:
              val_freq: 2
              metrics:
                psnr: {type: calculate_psnr, crop_border: 4, test_y_channel: false}
            logger: {print_freq: 1, save_checkpoint_freq: 2, use_tb_logger: false}
            """);
        return path;
    }

    private static List<Dictionary<string, double>> Scalars(string experiment)
    {
        var lines = File.ReadAllLines(Path.Combine(experiment, "scalars.csv"));
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).Where(p => p.Second.Length > 0)
            .ToDictionary(p => p.First, p => double.Parse(p.Second, CultureInfo.InvariantCulture))).ToList();
    }

    [Theory]
    [InlineData("RealESRGANModel", "l_g_pix")]
    [InlineData("RealESRNetModel", "l_pix")]
    public void PairDataTrainsOnTheDatasetsLq(string model, string pixelKey)
    {
        var root = RepoPaths.NewTempDir("srtrain-pairdata");
        var file = PairDataFile(root, model, highOrder: false);
        var (rc, output, error) = CliRun.Capture("options", "--check", file);
        Assert.True(rc == 0, error + output);
        Assert.Contains("high_order_degradation: false", output);
        (rc, output, error) = CliRun.Capture("train", "-opt", file, "--set", $"path.root={root}");
        Assert.True(rc == 0, error + output);
        var rows = Scalars(Path.Combine(root, "experiments", $"pairdata_{model}"));
        Assert.Equal(2, rows.Count(r => r.ContainsKey(pixelKey)));
        Assert.All(rows.Where(r => r.ContainsKey(pixelKey)), r => Assert.True(double.IsFinite(r[pixelKey]) && r[pixelKey] > 0));
        Assert.Contains(rows, r => r.ContainsKey("metrics/val/psnr"));
        if (model == "RealESRGANModel") Assert.Contains(rows, r => r.ContainsKey("l_d_real") && double.IsFinite(r["l_d_real"]));
    }

    [Fact]
    public void AGtOnlySetWithoutSynthesisIsAnErrorNamingTheKey()
    {
        var smoke = Path.Combine(RepoPaths.Root, "options", "train", "smoke", "train_realesrnet_x4plus.yml");
        var (rc, _, error) = CliRun.Capture("options", "--check", smoke, "--set", "high_order_degradation=false");
        Assert.Equal(2, rc);
        Assert.Contains("high_order_degradation: false", error);
        Assert.Contains("RealESRGANDataset", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Theory]
    [InlineData(null, "RealESRGANPairedDataset")]
    [InlineData(true, "PairedImageDataset")]
    public void APairedSetWithSynthesisIsAnErrorNamingTheKey(bool? highOrder, string datasetType)
    {
        var root = RepoPaths.NewTempDir("srtrain-pairdata-wrong");
        var file = PairDataFile(root, "RealESRNetModel", highOrder, datasetType);
        var (rc, _, error) = CliRun.Capture("train", "-opt", file, "--set", $"path.root={root}");
        Assert.Equal(2, rc);
        Assert.Contains($"datasets.train is a {datasetType}", error);
        Assert.Contains("high_order_degradation: false", error);
        Assert.DoesNotContain("   at ", error);
    }
}

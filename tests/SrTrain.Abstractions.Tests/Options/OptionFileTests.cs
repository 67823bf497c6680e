using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;

namespace SrTrain.Abstractions.Tests.Options;

public class OptionFileTests
{
    // The shape of BasicSR's train_ESRGAN_x4.yml, with its YAML 1.1 forms.
    private const string EsrganYaml = """
        name: 051_ESRGAN_x4_f64b23_DIV2K_400k_B16G1
        model_type: ESRGANModel
        scale: 4
        num_gpu: 1
        manual_seed: 0
        datasets:
          train:
            name: DIV2K
            type: PairedImageDataset
            dataroot_gt: datasets/DIV2K/DIV2K_train_HR_sub
            filename_tmpl: '{}'
            io_backend:
              type: disk
            gt_size: 128
            use_hflip: true
            prefetch_mode: ~
        network_g:
          type: RRDBNet
          num_feat: 64
        path:
          pretrain_network_g: experiments/RRDBNet_PSNR/models/net_g_1000000.pth
          strict_load_g: true
          resume_state: ~
        train:
          ema_decay: 0.999
          optim_g:
            type: Adam
            lr: !!float 1e-4
            betas: [0.9, 0.99]
          scheduler:
            type: MultiStepLR
            milestones: [50000, 100000, 200000, 300000]
            gamma: 0.5
          total_iter: !!float 4e5
          warmup_iter: -1  # no warm up
          pixel_opt:
            type: L1Loss
            loss_weight: !!float 1e-2
          net_d_iters: 1
          net_d_init_iters: 0
        val:
          val_freq: !!float 5e3
          save_img: true
          metrics:
            psnr:
              type: calculate_psnr
              crop_border: 4
              test_y_channel: false
        logger:
          print_freq: 100
          save_checkpoint_freq: !!float 5e3
          use_tb_logger: true
          wandb:
            project: ~
            resume_id: ~
        dist_params:
          backend: nccl
          port: 29500
        """;

    private static ExperimentOptions Load(string yaml, params string[] sets)
    {
        var tree = OptionLayers.Compose(YamlOptionReader.ReadText(yaml, "esrgan.yml"), sets, useEnvironment: false);
        return OptionFile.Bind(tree, "esrgan.yml");
    }

    [Fact]
    public void ParsesBasicSrFileWithYaml11Forms()
    {
        ConstructorBinder.TakeWarnings();
        var o = Load(EsrganYaml);
        Assert.Equal("ESRGANModel", o.ModelType);
        Assert.Equal(400000, o.Train!.TotalIter);
        Assert.Equal(0.999, o.Train.EmaDecay);
        Assert.Equal(-1, o.Train.WarmupIter);
        Assert.Equal(5000, o.Val!.ValFreq);
        Assert.Equal(5000, o.Logger.SaveCheckpointFreq);
        Assert.Null(o.Path.ResumeState);
        Assert.Equal("1e-4", o.Train.OptimG["lr"]);
        var psnr = Assert.IsType<Dictionary<string, object?>>(o.Val.Metrics["psnr"]);
        Assert.Equal("calculate_psnr", psnr["type"]);
        var train = Assert.IsType<Dictionary<string, object?>>(o.Datasets["train"]);
        Assert.Equal("{}", train["filename_tmpl"]);
        Assert.Null(train["prefetch_mode"]);
        Assert.Equal(0L, o.ManualSeed);
    }

    [Fact]
    public void WarnsAboutKeysWithoutEffect()
    {
        ConstructorBinder.TakeWarnings();
        Load(EsrganYaml);
        var warnings = ConstructorBinder.TakeWarnings();
        Assert.Contains(warnings, w => w.Contains("logger.wandb"));
        // dist_params configures multi-process training now (docs/distributed.md): bound, not warned about.
        Assert.DoesNotContain(warnings, w => w.Contains("dist_params"));
        Assert.Equal("nccl", Load(EsrganYaml).DistParams!["backend"]);
    }

    [Fact]
    public void MisspelledKeyFailsWithSectionAndSuggestion()
    {
        var ex = Assert.Throws<OptionException>(() => Load(EsrganYaml.Replace("total_iter:", "totel_iter:")));
        Assert.Contains("'totel_iter'", ex.Message);
        Assert.Contains("options.train", ex.Message);
        Assert.Contains("did you mean 'total_iter'", ex.Message);
        Assert.Contains("esrgan.yml", ex.Message);
    }

    [Fact]
    public void MisspelledTopLevelKeyIsRejected()
    {
        var ex = Assert.Throws<OptionException>(() => Load(EsrganYaml.Replace("manual_seed:", "manual_sed:")));
        Assert.Contains("did you mean 'manual_seed'", ex.Message);
    }

    [Fact]
    public void SetOverridesAreTypedByTheKeyTheyBindTo()
    {
        var o = Load(EsrganYaml, "train.total_iter=1000", "val.save_img=false", "train.scheduler.milestones.1=500",
                     "network_g.num_block=2", "path.pretrain_network_g=~", "logger.print_freq=!!float 1e1".Replace("!!float ", ""));
        Assert.Equal(1000, o.Train!.TotalIter);
        Assert.False(o.Val!.SaveImg);
        Assert.Equal(new List<object?> { "50000", "500", "200000", "300000" }, (List<object?>)o.Train.Scheduler!["milestones"]!);
        Assert.Equal("2", o.NetworkG!["num_block"]);
        Assert.Null(o.Path.PretrainNetworkG);
        Assert.Equal(10, o.Logger.PrintFreq);
    }

    [Fact]
    public void SetWithAFlowListOrMappingReplacesTheWholeNode()
    {
        // Was silently ignored when the file had a list at the key: only key.0=... worked, and no list could shrink.
        var o = Load(EsrganYaml, "train.scheduler.milestones=[1000, 2000]", "train.pixel_opt={type: MSELoss, loss_weight: 0.5}");
        Assert.Equal(new List<object?> { "1000", "2000" }, (List<object?>)o.Train!.Scheduler!["milestones"]!);
        Assert.Equal(new Dictionary<string, object?> { ["type"] = "MSELoss", ["loss_weight"] = "0.5" }, o.Train.PixelOpt);
        // The later --set of a key wins, whichever form each has.
        o = Load(EsrganYaml, "train.scheduler.milestones=[1000, 2000]", "train.scheduler.milestones.0=7");
        Assert.Equal(new List<object?> { "7", "2000" }, (List<object?>)o.Train!.Scheduler!["milestones"]!);
        o = Load(EsrganYaml, "train.scheduler.milestones.0=7", "train.scheduler.milestones=[3]");
        Assert.Equal(new List<object?> { "3" }, (List<object?>)o.Train!.Scheduler!["milestones"]!);
        var ex = Assert.Throws<OptionException>(() => Load(EsrganYaml, "train.scheduler.milestones=[1000, 2000"));
        Assert.Contains("--set 'train.scheduler.milestones=[1000, 2000'", ex.Message);
        // Braces that are no mapping stay text (BasicSR's filename templates).
        var tree = OptionLayers.Compose(YamlOptionReader.ReadText(EsrganYaml), ["datasets.train.filename_tmpl={}x4", "datasets.val.filename_tmpl={}"],
                                        useEnvironment: false);
        var datasets = (Dictionary<string, object?>)tree["datasets"]!;
        Assert.Equal("{}x4", ((Dictionary<string, object?>)datasets["train"]!)["filename_tmpl"]);
        Assert.Equal("{}", ((Dictionary<string, object?>)datasets["val"]!)["filename_tmpl"]);
    }

    [Fact]
    public void EnvironmentOverridesFileAndSetOverridesEnvironment()
    {
        Environment.SetEnvironmentVariable("SRTRAIN_OPT_train__total_iter", "777");
        Environment.SetEnvironmentVariable("SRTRAIN_OPT_logger__print_freq", "5");
        try
        {
            var tree = OptionLayers.Compose(YamlOptionReader.ReadText(EsrganYaml), ["logger.print_freq=7"]);
            var o = OptionFile.Bind(tree, "esrgan.yml");
            Assert.Equal(777, o.Train!.TotalIter);
            Assert.Equal(7, o.Logger.PrintFreq);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SRTRAIN_OPT_train__total_iter", null);
            Environment.SetEnvironmentVariable("SRTRAIN_OPT_logger__print_freq", null);
        }
    }

    [Fact]
    public void BadValueNamesTheKey()
    {
        var ex = Assert.Throws<OptionException>(() => Load(EsrganYaml, "train.total_iter=lots"));
        Assert.Contains("options.train.total_iter", ex.Message);
    }

    [Fact]
    public void InvalidYamlNamesFileAndLine()
    {
        var ex = Assert.Throws<OptionException>(() => YamlOptionReader.ReadText("name: a\n  bad: [1,\n", "broken.yml"));
        Assert.StartsWith("broken.yml:", ex.Message);
    }

    [Fact]
    public void DebugPrefixesName()
    {
        var tree = OptionLayers.Compose(YamlOptionReader.ReadText(EsrganYaml), [], useEnvironment: false);
        Assert.StartsWith("debug_051", OptionFile.Bind(tree, "x", debug: true).Name);
    }
}

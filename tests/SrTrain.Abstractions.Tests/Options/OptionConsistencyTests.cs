using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;

namespace SrTrain.Abstractions.Tests.Options;

/// <summary>Options that bind on their own but contradict each other fail at start with the keys named.</summary>
public class OptionConsistencyTests
{
    private const string Base = """
        name: consistency
        model_type: SRModel
        scale: 4
        datasets:
          train: {type: PairedImageDataset, dataroot_gt: gt, dataroot_lq: lq, gt_size: 32}
        network_g: {type: RRDBNet}
        train:
          total_iter: 100
          optim_g: {type: Adam, lr: !!float 1e-4}
          scheduler: {type: MultiStepLR, milestones: [50], gamma: 0.5}
        val: {val_freq: 50}
        logger: {print_freq: 10, save_checkpoint_freq: 50}
        """;

    private static ExperimentOptions Load(params string[] sets) =>
        OptionFile.Bind(OptionLayers.Compose(YamlOptionReader.ReadText(Base), sets, useEnvironment: false), "t.yml");

    private static string Error(params string[] sets) => Assert.Throws<OptionException>(() => OptionConsistency.Validate(Load(sets))).Message;

    [Fact]
    public void TheBaseFileIsConsistent() => Assert.Empty(OptionConsistency.Validate(Load()));

    /// <summary>Measured before the check: total_iter 5000 with periods [150] trained 150 iterations, then died with an
    /// unhandled InvalidOperationException from CosineAnnealingRestartLR.GetLr.</summary>
    [Fact]
    public void CosinePeriodsShorterThanTheRunFailAtStart()
    {
        var tree = YamlOptionReader.ReadText(Base.Replace("{type: MultiStepLR, milestones: [50], gamma: 0.5}", "{type: CosineAnnealingRestartLR, periods: [150]}"));
        tree = OptionLayers.Compose(tree, ["train.total_iter=5000"], useEnvironment: false);
        var e = Assert.Throws<OptionException>(() => OptionConsistency.Validate(OptionFile.Bind(tree, "t.yml")));
        Assert.Contains("train.scheduler.periods sum to 150 but train.total_iter is 5000", e.Message);
        Assert.Contains("after iteration 151", e.Message);
        // Schedulers step from iteration 2 on: periods summing to total_iter - 1 cover the run exactly.
        OptionConsistency.Validate(OptionFile.Bind(OptionLayers.Compose(tree, ["train.total_iter=151"], false), "t.yml"));
        Assert.Throws<OptionException>(() => OptionConsistency.Validate(OptionFile.Bind(OptionLayers.Compose(tree, ["train.total_iter=152"], false), "t.yml")));
    }

    [Theory]
    [InlineData("logger.print_freq=0", "logger.print_freq: must be >= 1, got 0")]
    [InlineData("logger.save_checkpoint_freq=-5", "logger.save_checkpoint_freq: must be >= 1, got -5")]
    [InlineData("val.val_freq=0", "val.val_freq: must be >= 1, got 0")]
    [InlineData("train.total_iter=0", "train.total_iter: must be >= 1, got 0")]
    [InlineData("datasets.train.gt_size=30", "datasets.train.gt_size (30) is not divisible by scale (4)")]
    [InlineData("datasets.train.gt_size=0", "datasets.train.gt_size: must be >= 1, got 0")]
    [InlineData("train.ema_decay=1", "train.ema_decay: must be in [0, 1)")]
    [InlineData("train.ema_decay=-0.1", "train.ema_decay: must be in [0, 1)")]
    [InlineData("train.net_d_iters=0", "train.net_d_iters: must be >= 1, got 0")]
    [InlineData("train.net_d_init_iters=-1", "train.net_d_init_iters: must be >= 0")]
    [InlineData("train.warmup_iter=-3", "train.warmup_iter: must be -1 (none) or >= 0")]
    [InlineData("train.optim_g.lr=-1", "train.optim_g.lr: must be a finite number >= 0")]
    [InlineData("train.scheduler.gamma=0", "train.scheduler.gamma: must be a finite number > 0")]
    [InlineData("train.scheduler.milestones.0=-2", "train.scheduler.milestones: every milestone must be > 0")]
    [InlineData("train.scheduler.restarts.0=10", "train.scheduler.restarts has 1 value(s) but train.scheduler.restart_weights has 0")]
    [InlineData("train.grad_clip_norm=0", "train.grad_clip_norm: must be > 0 or ~")]
    [InlineData("scale=0", "scale: must be >= 1, got 0")]
    [InlineData("precision=fp8", "precision: 'fp8' is not one of fp32, bf16, fp16, auto")]
    [InlineData("memory_format=nhwc", "memory_format: 'nhwc' is not one of auto, contiguous, channels_last")]
    [InlineData("num_threads=0", "num_threads: must be >= 1, got 0")]
    [InlineData("val.tile=-1", "val.tile: must be >= 0")]
    public void EachContradictionNamesItsKeys(string set, string expected) => Assert.Contains(expected, Error(set));

    [Fact]
    public void DiscriminatorWarmupLongerThanTheRunNamesBothKeys()
    {
        var tree = OptionLayers.Compose(YamlOptionReader.ReadText(Base + "\nnetwork_d: {type: VGGStyleDiscriminator}\n"), ["train.net_d_init_iters=100"], false);
        var e = Assert.Throws<OptionException>(() => OptionConsistency.Validate(OptionFile.Bind(tree, "t.yml")));
        Assert.Contains("train.net_d_init_iters (100) >= train.total_iter (100)", e.Message);
    }

    [Fact]
    public void EveryContradictionIsListedAtOnce()
    {
        var e = Error("logger.print_freq=0", "val.val_freq=0", "train.ema_decay=2");
        Assert.StartsWith("3 contradicting options:", e);
        Assert.Contains("logger.print_freq", e);
        Assert.Contains("val.val_freq", e);
        Assert.Contains("train.ema_decay", e);
    }

    [Fact]
    public void WarmupLongerThanTheRunIsAWarning() =>
        Assert.Contains("train.warmup_iter (500) > train.total_iter (100)", Assert.Single(OptionConsistency.Validate(Load("train.warmup_iter=500"))));

    [Fact]
    public void MilestonesAfterTheEndAreAWarningNotAnError()
    {
        var warnings = OptionConsistency.Validate(Load("train.scheduler.milestones.0=150"));
        Assert.Contains("train.scheduler.milestones [150] come after train.total_iter (100)", Assert.Single(warnings));
    }

    [Fact]
    public void TestFilesSkipTheTrainingRelations() =>
        Assert.Empty(OptionConsistency.Validate(OptionFile.Bind(OptionLayers.Compose(YamlOptionReader.ReadText(Base), ["logger.print_freq=0"], false), "t.yml", isTrain: false)));

    [Fact]
    public void NullForANonNullableKeyIsAnErrorNamingIt()
    {
        var e = Assert.Throws<OptionException>(() => OptionFile.Bind(YamlOptionReader.ReadText(Base + "\nprecision: ~\n"), "t.yml"));
        Assert.Contains("options.precision: a value of type str is required, got null (~)", e.Message);
        e = Assert.Throws<OptionException>(() => OptionFile.Bind(YamlOptionReader.ReadText(Base.Replace("name: consistency", "name: ~")), "t.yml"));
        Assert.Contains("options.name: a value of type str is required", e.Message);
    }
}

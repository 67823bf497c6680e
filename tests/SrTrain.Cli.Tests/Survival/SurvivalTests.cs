using System.Diagnostics;
using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Data.Pipeline;
using SrTrain.Engine.Checkpoints;
using SrTrain.Engine.Models;
using SrTrain.Engine.Training;
using static SrTrain.Cli.Tests.Survival.ExperimentFiles;

namespace SrTrain.Cli.Tests.Survival;

/// <summary>Training that survives bad steps, hangs, damaged states and errors, in process on the smoke data:
/// the divergence guard (skip, roll back with a lower learning rate, stop), the stall watchdog, auto-resume past a
/// truncated state, and a state saved before an error stops the run.</summary>
[Collection(SerialCliCollection.Name)]
public class SurvivalTests
{
    private static readonly SmokeData Data = new();

    private static ExperimentOptions Load(string path, params string[] sets) => OptionFile.Load(path, sets, isTrain: true);

    [Fact]
    public void OneNanBatchIsSkippedAndLoggedAndTrainingGoesOn()
    {
        var root = RepoPaths.NewTempDir("srtrain-nan1");
        var path = Data.PsnrOptions("nan_once", totalIter: 8, root, checkpointFreq: 4);
        var result = new Trainer(Load(path), new FaultyPipeline(iter => iter == 5), new ImageFileWriter(), path).Run();
        Assert.Equal(8, result.LastIter);
        var exp = Experiment(root, "nan_once");
        var log = LogText(exp);
        Assert.Contains("Iter 5: non-finite loss or gradient in net_g (l_pix: NaN): optimizer step skipped (1 in a row, 1 in all)", log);
        Assert.DoesNotContain("Iter 6: non-finite", log);
        Assert.DoesNotContain("Rolled back", log);
        Assert.NotEqual(0, AssertAllFinite(exp));
    }

    [Fact]
    public void PersistentNanRollsBackWithLowerLearningRateThenStops()
    {
        var root = RepoPaths.NewTempDir("srtrain-nan");
        var path = Data.PsnrOptions("nan_always", totalIter: 20, root, checkpointFreq: 4);
        var o = Load(path, "train.nan_skip_limit=3", "train.nan_rollbacks=2", "train.nan_lr_factor=0.25");
        var e = Assert.Throws<TrainingStoppedException>(() => new Trainer(o, new FaultyPipeline(iter => iter >= 6), new ImageFileWriter(), path).Run());
        var exp = Experiment(root, "nan_always");
        var lastGood = Path.Combine(exp, "training_states", "4.state");
        Assert.Equal(StopReason.Diverged, e.Reason);
        Assert.Equal(TrainingStoppedException.DivergedExitCode, e.ExitCode);
        Assert.Contains("l_pix: NaN", e.Message);
        Assert.Contains("up to iter 8", e.Message);
        Assert.Contains("after 2 rollback(s)", e.Message);
        Assert.Contains($"last good checkpoint: {lastGood}", e.Message);
        Assert.Equal(lastGood, e.ResumableState);

        var log = LogText(exp);
        Assert.Contains($"Rolled back to iter 4 ({lastGood}) after 3 non-finite steps in a row; learning rate x0.25 (rollback 1 of 2)", log);
        Assert.Contains("learning rate x0.0625 (rollback 2 of 2)", log);
        // Iteration 5 ran three times: at the configured rate, then at 1/4 and 1/16 of it (the scalar log keeps every pass).
        var lr5 = File.ReadAllLines(Path.Combine(exp, "scalars.csv")).Skip(1).Where(l => l.StartsWith("5,", StringComparison.Ordinal))
            .Select(l => l.Split(',')).ToList();
        var header = File.ReadAllLines(Path.Combine(exp, "scalars.csv"))[0].Split(',');
        var lrs = lr5.Select(c => double.Parse(c[Array.IndexOf(header, "lr")], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, lrs.Count);
        Assert.Equal(lrs[0] / 4, lrs[1], 12);
        Assert.Equal(lrs[0] / 16, lrs[2], 12);
        Assert.False(File.Exists(Path.Combine(exp, "training_states", "8.state")), "no state is saved past the last good one");
        Assert.NotEqual(0, AssertAllFinite(exp));
    }

    /// <summary>The rollbacks used are part of the training state: a run that used its only rollback and was then
    /// resumed stops at its next divergence instead of rolling back again, and keeps the lowered learning rate.</summary>
    [Fact]
    public void ResumedRunKeepsTheRollbacksAlreadyUsed()
    {
        var root = RepoPaths.NewTempDir("srtrain-nanresume");
        string[] guard = ["train.nan_skip_limit=2", "train.nan_rollbacks=1", "train.nan_lr_factor=0.25"];
        var path = Data.PsnrOptions("nan_resume", totalIter: 8, root, checkpointFreq: 4);
        // First run: iters 6 and 7 are bad once (not on the replay after the rollback to iter 4), the run ends at 8.
        int badSeen = 0;
        var first = new Trainer(OptionFile.Load(path, guard, isTrain: true), new FaultyPipeline(iter => iter is 6 or 7 && badSeen++ < 2),
                                new ImageFileWriter(), path).Run();
        Assert.Equal(8, first.LastIter);
        var exp = Experiment(root, "nan_resume");
        var eight = Path.Combine(exp, "training_states", "8.state");
        var (rollbacks, scale) = TrainingStateFile.Read(eight, st => (st.NanRollbacks, st.NanLrScale));
        Assert.Equal((1, 0.25), (rollbacks, scale));

        // Resumed with room for 8 more iterations and every batch from iter 10 bad: no rollback is left.
        path = Data.PsnrOptions("nan_resume", totalIter: 16, root, checkpointFreq: 4);
        var o = OptionFile.Load(path, guard, isTrain: true) with { AutoResume = true };
        var e = Assert.Throws<TrainingStoppedException>(() => new Trainer(o, new FaultyPipeline(iter => iter >= 10), new ImageFileWriter(), path).Run());
        Assert.Equal(StopReason.Diverged, e.Reason);
        Assert.Contains("up to iter 11", e.Message);
        Assert.Contains("after 1 rollback(s) (learning rate x0.25)", e.Message);
        Assert.Contains($"last good checkpoint: {eight}", e.Message);
        var log = LogText(exp);
        Assert.Contains("Divergence guard: 1 of 1 rollback(s) used before this resume; learning rate x0.25", log);
        Assert.Single(log.Split('\n'), l => l.Contains("Rolled back", StringComparison.Ordinal));   // the first run's only
        // The resumed run trained at the lowered rate it saved, scaled once (the schedule's milestone 8 halves it for iter 9).
        var header = File.ReadAllLines(Path.Combine(exp, "scalars.csv"))[0].Split(',');
        List<double> Lrs(string iter) => File.ReadAllLines(Path.Combine(exp, "scalars.csv")).Skip(1)
            .Where(l => l.StartsWith(iter + ",", StringComparison.Ordinal) && l.Split(',')[Array.IndexOf(header, "l_pix")].Length > 0)
            .Select(l => double.Parse(l.Split(',')[Array.IndexOf(header, "lr")], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var (lr5, lr9) = (Lrs("5"), Assert.Single(Lrs("9")));
        Assert.Equal(2, lr5.Count);   // before and after the rollback
        Assert.Equal(lr5[0] * 0.25 * 0.5, lr9, 12);
    }

    /// <summary>Bad steps before the first checkpoint roll back to the initial weights kept in memory; the stop message
    /// then names no checkpoint, and none is on disk.</summary>
    [Fact]
    public void NanBeforeAnyCheckpointRollsBackToTheInitialWeights()
    {
        var root = RepoPaths.NewTempDir("srtrain-nan0");
        var path = Data.PsnrOptions("nan0", totalIter: 20, root, checkpointFreq: 1000);
        var o = Load(path, "train.nan_skip_limit=2", "train.nan_rollbacks=1");
        var e = Assert.Throws<TrainingStoppedException>(() => new Trainer(o, new FaultyPipeline(_ => true), new ImageFileWriter(), path).Run());
        Assert.Equal(StopReason.Diverged, e.Reason);
        Assert.Contains("up to iter 2", e.Message);
        Assert.Contains("last good checkpoint: none (the initial weights)", e.Message);
        Assert.Null(e.ResumableState);
        var exp = Experiment(root, "nan0");
        Assert.Contains("Rolled back to iter 0 (the initial weights) after 2 non-finite steps in a row; learning rate x0.5 (rollback 1 of 1)", LogText(exp));
        Assert.Empty(Directory.GetFiles(Path.Combine(exp, "models"), "*.pth"));
    }

    [Fact]
    public void NonFiniteGanStepsSkipBothNetworksAndKeepTheirWeights()
    {
        var root = RepoPaths.NewTempDir("srtrain-nan-gan");
        var path = Data.EsrganOptions("nan_gan", totalIter: 1, root, pretrained: "unused");
        var o = Load(path, "path.pretrain_network_g=~", "train.perceptual_opt=~", "train.pixel_opt.loss_weight=1");
        using var model = (SrganModel)Trainer.CreateModel(o, Device.Cpu);
        using var scope = LibTorch.NewDisposeScope();
        // Parameters only: D's spectral-norm vectors move with every forward pass, as in PyTorch.
        static Dictionary<string, Tensor> Params(SrTrain.Torch.Nn.Module m) => m.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.Detach().Clone());
        var before = Params(model.NetG);
        var beforeD = Params(model.NetD);
        var beforeEma = Params(model.NetGEma!);
        var lq = Tensor.Rand([2, 3, 8, 8]).Mul_(double.NaN);
        model.FeedData(new SrBatch(lq, Tensor.Rand([2, 3, 32, 32]), ["a", "b"]));
        model.OptimizeParameters(1);
        Assert.Equal(["net_g", "net_d"], model.NonFiniteParts);
        foreach (var (k, v) in Params(model.NetG)) TensorAssert.Equal(before[k], v, k);
        foreach (var (k, v) in Params(model.NetD)) TensorAssert.Equal(beforeD[k], v, k);
        foreach (var (k, v) in Params(model.NetGEma!)) TensorAssert.Equal(beforeEma[k], v, k);

        // A finite batch steps both again.
        model.FeedData(new SrBatch(Tensor.Rand([2, 3, 8, 8]), Tensor.Rand([2, 3, 32, 32]), ["a", "b"]));
        model.OptimizeParameters(2);
        Assert.Empty(model.NonFiniteParts);
    }

    [Fact]
    public void StalledLoaderStopsTheRunWithADiagnosisAndAState()
    {
        var root = RepoPaths.NewTempDir("srtrain-stall");
        var path = Data.PsnrOptions("stall", totalIter: 50, root, workers: 1);
        File.WriteAllText(path, File.ReadAllText(path).Replace("type: PairedImageDataset\n    dataroot_gt: " + Data.Hr("train"),
            "type: BlockingTestDataset\n    block_after: 6\n    dataroot_gt: " + Data.Hr("train"), StringComparison.Ordinal));
        Assert.Contains("BlockingTestDataset", File.ReadAllText(path));
        var o = Load(path, "train.stall_timeout=2");
        BlockingTestDataset.Arm();
        var watch = Stopwatch.StartNew();
        try
        {
            var e = Assert.Throws<TrainingStoppedException>(() => new Trainer(o, new DataPipeline(), new ImageFileWriter(), path).Run());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(40), $"the stall was reported after {watch.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(StopReason.Stalled, e.Reason);
            Assert.Equal(TrainingStoppedException.StalledExitCode, e.ExitCode);
            Assert.Contains("training stalled: no iteration finished for", e.Message);
            Assert.Contains("srtrain-loader-0: reading sample", e.Message);
            Assert.Contains("main loop: waiting for batch", e.Message);
            Assert.NotNull(e.ResumableState);
            Assert.True(File.Exists(e.ResumableState));
            Assert.Contains("training stalled", LogText(Experiment(root, "stall")));
        }
        finally
        {
            BlockingTestDataset.Release();
        }
    }

    [Fact]
    public void AutoResumeSkipsATruncatedStateAndOneWithoutItsNetworks()
    {
        var root = RepoPaths.NewTempDir("srtrain-trunc");
        var path = Data.PsnrOptions("trunc", totalIter: 6, root, checkpointFreq: 2);
        Assert.Equal(0, Program.Main(["train", "-opt", path]));
        var exp = Experiment(root, "trunc");
        var states = Path.Combine(exp, "training_states");
        var six = Path.Combine(states, "6.state");
        var bytes = File.ReadAllBytes(six);
        File.WriteAllBytes(six, bytes[..(bytes.Length / 2)]);
        File.Delete(Path.Combine(exp, "models", "net_g_4.pth"));
        File.WriteAllText(Path.Combine(states, ".8.state.0123.tmp"), "left by a killed write");

        var o = Load(Data.PsnrOptions("trunc", totalIter: 8, root, checkpointFreq: 2)) with { AutoResume = true };
        var result = new Trainer(o, new DataPipeline(), new ImageFileWriter(), path).Run();
        Assert.Equal(8, result.LastIter);
        var log = LogText(exp);
        Assert.Contains($"auto-resume: skipping training state {six}:", log);
        Assert.Contains($"auto-resume: skipping training state {Path.Combine(states, "4.state")}: network file(s) missing", log);
        Assert.Contains($"Resuming training from epoch", log);
        Assert.Contains($"({Path.Combine(states, "2.state")})", log);
        Assert.Empty(Directory.GetFiles(states, ".*.tmp"));
    }

    [Fact]
    public void AnErrorDuringTrainingSavesTheStateFirstAndPrintsOneLine()
    {
        var root = RepoPaths.NewTempDir("srtrain-err");
        var path = Data.PsnrOptions("err", totalIter: 20, root, workers: 1);
        var e = Assert.Throws<InvalidDataException>(() => new Trainer(Load(path), new FaultyPipeline(_ => false, throwAt: 7), new ImageFileWriter(), path).Run());
        Assert.Contains("iter 7 is unreadable", e.Message);
        var exp = Experiment(root, "err");
        Assert.True(File.Exists(Path.Combine(exp, "training_states", "6.state")), "the state of the last finished iteration is saved");
        Assert.True(File.Exists(Path.Combine(exp, "models", "net_g_6.pth")));
        Assert.Contains("Saving models and training states at iter 6 (stopping on an error)", LogText(exp));
    }
}

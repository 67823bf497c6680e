using SrTrain.Abstractions.Options;
using SrTrain.Data.Pipeline;
using SrTrain.Engine.Training;
using static SrTrain.Cli.Tests.Survival.ExperimentFiles;

namespace SrTrain.Cli.Tests.Survival;

/// <summary>No checkpoint is ever written with non-finite values, whichever path saves: the periodic save, the save
/// before an error stops the run, the save on a stop request (signal) and the final save. The weights are spoiled
/// after a finite step (<see cref="PoisonedWeightsTestModel"/>), so the divergence guard has not seen it yet; every
/// refused save is logged naming the iteration and the last good checkpoint, and every file on disk is read back.</summary>
[Collection(SerialCliCollection.Name)]
public sealed class NonFiniteSaveTests : IDisposable
{
    private static readonly SmokeData Data = new();

    public NonFiniteSaveTests() => Reset();

    public void Dispose() => Reset();

    private static void Reset()
    {
        PoisonedWeightsTestModel.PoisonAt.Clear();
        PoisonedWeightsTestModel.Poisoned = null;
    }

    private static (string Path, ExperimentOptions Options) Setup(string name, long totalIter, string root, int checkpointFreq, params string[] sets)
    {
        var path = Data.PsnrOptions(name, totalIter, root, checkpointFreq: checkpointFreq);
        return (path, OptionFile.Load(path, ["model_type=PoisonedWeightsTestModel", .. sets], isTrain: true));
    }

    private static string Refusal(long iter, string lastGood) =>
        $"Not saving the checkpoint of iter {iter}: net_g hold(s) non-finite values; the last good checkpoint is {lastGood}";

    [Fact]
    public void PeriodicSavesOfSpoiledWeightsAreRefusedUntilTheRollback()
    {
        var root = RepoPaths.NewTempDir("srtrain-nfsave");
        var (path, o) = Setup("nf_periodic", 8, root, checkpointFreq: 1, "train.nan_skip_limit=2", "train.nan_rollbacks=2");
        PoisonedWeightsTestModel.PoisonAt.Add(3);
        var result = new Trainer(o, new DataPipeline(), new ImageFileWriter(), path).Run();
        Assert.Equal(8, result.LastIter);

        var exp = Experiment(root, "nf_periodic");
        var two = Path.Combine(exp, "training_states", "2.state");
        var log = LogText(exp);
        // Iter 3's step was finite but left NaN weights: its save is refused, so is iter 4's (whose step the guard
        // skipped); iter 5 is the second bad step in a row and rolls back to iter 2, and the run ends finite.
        Assert.Contains(Refusal(3, two), log);
        Assert.Contains(Refusal(4, two), log);
        Assert.Contains($"Rolled back to iter 2 ({two})", log);
        Assert.Equal(16, AssertAllFinite(exp));   // models/net_g_1..8.pth and training_states/1..8.state, all written after the rollback too
    }

    [Fact]
    public void SavesBeforeAnErrorAndOnAStopRequestRefuseSpoiledWeights()
    {
        var root = RepoPaths.NewTempDir("srtrain-nfsave");
        // An error reading iter 6's batch after iter 5 spoiled the weights: the state of iter 5 is not saved.
        var (path, o) = Setup("nf_error", 20, root, checkpointFreq: 2);
        PoisonedWeightsTestModel.PoisonAt.Add(5);
        Assert.Throws<InvalidDataException>(() => new Trainer(o, new FaultyPipeline(_ => false, throwAt: 6), new ImageFileWriter(), path).Run());
        var exp = Experiment(root, "nf_error");
        var four = Path.Combine(exp, "training_states", "4.state");
        Assert.Contains("Saving models and training states at iter 5 (stopping on an error)", LogText(exp));
        Assert.Contains(Refusal(5, four), LogText(exp));
        Assert.False(File.Exists(Path.Combine(exp, "training_states", "5.state")));
        Assert.Equal(4, AssertAllFinite(exp));

        // A stop request (what SIGINT/SIGTERM/SIGHUP do) right after iter 5 spoiled the weights: the run stops naming
        // the last good state, which is what the resume command continues from.
        (path, o) = Setup("nf_signal", 20, root, checkpointFreq: 2);
        using var cancel = new CancellationTokenSource();
        PoisonedWeightsTestModel.PoisonAt.Add(5);
        PoisonedWeightsTestModel.Poisoned = _ => cancel.Cancel();
        var e = Assert.Throws<TrainingStoppedException>(() => new Trainer(o, new DataPipeline(), new ImageFileWriter(), path).Run(cancel.Token));
        exp = Experiment(root, "nf_signal");
        four = Path.Combine(exp, "training_states", "4.state");
        Assert.Equal(StopReason.Interrupted, e.Reason);
        Assert.Contains($"training stopped at iter 5 on request; training state: {four}", e.Message);
        Assert.Equal(four, e.ResumableState);
        Assert.Contains(Refusal(5, four), LogText(exp));
        Assert.Equal(4, AssertAllFinite(exp));
    }

    [Fact]
    public void SpoiledWeightsAtTheLastIterationStopTheRunInsteadOfEndingItQuietly()
    {
        var root = RepoPaths.NewTempDir("srtrain-nfsave");
        var (path, o) = Setup("nf_last", 6, root, checkpointFreq: 2);
        PoisonedWeightsTestModel.PoisonAt.Add(6);
        var e = Assert.Throws<TrainingStoppedException>(() => new Trainer(o, new DataPipeline(), new ImageFileWriter(), path).Run());
        var exp = Experiment(root, "nf_last");
        var four = Path.Combine(exp, "training_states", "4.state");
        Assert.Equal(StopReason.Diverged, e.Reason);
        Assert.Equal(TrainingStoppedException.DivergedExitCode, e.ExitCode);
        Assert.Equal($"training ended at iter 6 with non-finite values in the networks or optimizer state, which were not saved; last good checkpoint: {four}", e.Message);
        Assert.Contains(Refusal(6, four), LogText(exp));
        Assert.Equal(4, AssertAllFinite(exp));   // iters 2 and 4
    }
}

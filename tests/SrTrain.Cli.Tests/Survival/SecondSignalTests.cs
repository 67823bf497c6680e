using System.Diagnostics;
using Xunit.Abstractions;

namespace SrTrain.Cli.Tests.Survival;

/// <summary>A second Ctrl-C exits at once: `srtrain train` as a child process on a network big enough that one step
/// takes seconds on one thread, sent SIGINT twice during its first step. The first asks for a stop after the step
/// (which would then save a state); the second must end the process at once, before the step finishes.</summary>
[Collection(SerialCliCollection.Name)]
public class SecondSignalTests(ITestOutputHelper output)
{
    private static readonly SmokeData Data = new();

    /// <summary>A smoke run on one thread with a network whose step takes seconds, returned once it is about to
    /// take its first step ("Training statistics" is logged once the loader is built; the signal handlers are in
    /// place by then).</summary>
    private static SrtrainChild SlowRunAtItsFirstStep(string name, string root, int checkpointFreq)
    {
        var file = Data.PsnrOptions(name, totalIter: 3, root, checkpointFreq: checkpointFreq);
        File.AppendAllText(file, "\nnum_threads: 1\n");
        var child = new SrtrainChild(["train", "-opt", file, "--set", "network_g.num_feat=64", "--set", "network_g.num_block=12",
                                      "--set", "network_g.num_grow_ch=32", "--set", "datasets.train.gt_size=64",
                                      "--set", "datasets.train.batch_size_per_gpu=6"]);
        Assert.True(child.WaitFor((o, _) => o.Contains("Training statistics", StringComparison.Ordinal), TimeSpan.FromMinutes(2)),
                    child.Output + child.Error);
        return child;
    }

    [Fact]
    public void ASecondSigintExitsAtOnceWithoutWaitingForTheStep()
    {
        var root = RepoPaths.NewTempDir("srtrain-sigint2");
        using var child = SlowRunAtItsFirstStep("sigint2", root, checkpointFreq: 1);
        var sinceFirst = Stopwatch.StartNew();
        child.Signal(2);
        Assert.True(child.WaitFor((_, e) => e.Contains("SIGINT received", StringComparison.Ordinal), TimeSpan.FromSeconds(30)), child.Error);
        var sinceSecond = Stopwatch.StartNew();
        child.Signal(2);
        int rc = child.Wait(TimeSpan.FromMinutes(2));
        double exitSeconds = sinceSecond.Elapsed.TotalSeconds, totalSeconds = sinceFirst.Elapsed.TotalSeconds;
        output.WriteLine($"exit {rc} {exitSeconds:F3} s after the second SIGINT ({totalSeconds:F3} s after the first)");

        Assert.Equal(130, rc);
        Assert.Contains("SIGINT received: saving a training state after the current step, then stopping (send it again to quit at once)", child.Error);
        // The first step had not finished: no iteration was logged, the graceful stop (which saves, then prints) never ran.
        Assert.DoesNotContain("iter:", child.Output);
        Assert.DoesNotContain("training stopped at iter", child.Error);
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "experiments", "sigint2", "training_states")));
        Assert.True(exitSeconds < 3, $"srtrain took {exitSeconds:F1} s to exit after the second SIGINT");
    }

    /// <summary>The control: the same run sent one SIGINT finishes its first step, saves it and exits 130; measured
    /// here so the test above shows the second signal, not a fast step, ended it.</summary>
    [Fact]
    public void OneSigintFinishesTheStepAndSavesIt()
    {
        var root = RepoPaths.NewTempDir("srtrain-sigint1");
        using var child = SlowRunAtItsFirstStep("sigint1", root, checkpointFreq: 1000);
        var sinceSignal = Stopwatch.StartNew();
        child.Signal(2);
        int rc = child.Wait(TimeSpan.FromMinutes(2));
        output.WriteLine($"exit {rc} {sinceSignal.Elapsed.TotalSeconds:F3} s after one SIGINT");
        Assert.Equal(130, rc);
        Assert.Contains("training stopped at iter 1 on request; training state: ", child.Error);
        Assert.True(File.Exists(Path.Combine(root, "experiments", "sigint1", "training_states", "1.state")));
    }
}

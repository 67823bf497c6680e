using System.Globalization;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Tests;

/// <summary><c>train.accum_iter</c> in a real run: an iteration consumes K batches (6 images in batches of 2 with
/// K = 3 make one optimizer step per epoch), the log says so, and a run resumed from a checkpoint equals the
/// uninterrupted one (same losses and learning rates from the resume on, same final weights).</summary>
[Collection(SerialCliCollection.Name)]
public class GradientAccumulationEndToEndTests
{
    private static readonly SmokeData Data = new();

    private static int Cli(params string[] args) => Program.Main(args);

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
    public void IterationsAreOptimizerStepsAndResumeIsExact()
    {
        var straightRoot = RepoPaths.NewTempDir("srtrain-accum");
        var splitRoot = RepoPaths.NewTempDir("srtrain-accum-split");
        string[] accum = ["--set", "train.accum_iter=3"];
        Assert.Equal(0, Cli(["train", "-opt", Data.PsnrOptions("accum", 4, straightRoot, checkpointFreq: 2), .. accum]));
        Assert.Equal(0, Cli(["train", "-opt", Data.PsnrOptions("accum", 2, splitRoot), .. accum]));
        var state = Path.Combine(splitRoot, "experiments", "accum", "training_states", "2.state");
        Assert.Equal(0, Cli(["train", "-opt", Data.PsnrOptions("accum", 4, splitRoot), .. accum, "--set", $"path.resume_state={state}"]));

        var experiment = Path.Combine(straightRoot, "experiments", "accum");
        var straight = ReadScalars(experiment).Where(r => r.ContainsKey("l_pix")).ToList();
        Assert.Equal([1.0, 2, 3, 4], straight.Select(r => r["iter"]));
        Assert.Equal([0.0, 1, 2, 3], straight.Select(r => r["epoch"]));   // 3 batches per epoch = one step of 3 micro-batches
        var log = File.ReadAllText(Directory.GetFiles(experiment, "train_accum_*.log").Single());
        Assert.Contains("Gradient accumulation: 3 micro-batches per optimizer step", log);

        var split = ReadScalars(Path.Combine(splitRoot, "experiments", "accum")).Where(r => r.ContainsKey("l_pix") && r["iter"] > 2).ToList();
        Assert.Equal(straight.Skip(2).Select(r => r["l_pix"]), split.Select(r => r["l_pix"]));
        Assert.Equal(straight.Skip(2).Select(r => r["lr"]), split.Select(r => r["lr"]));
        using var a = new DisposableStateDict(PthFile.LoadStateDict(Path.Combine(experiment, "models", "net_g_4.pth"), "params"));
        using var b = new DisposableStateDict(PthFile.LoadStateDict(Path.Combine(splitRoot, "experiments", "accum", "models", "net_g_4.pth"), "params"));
        foreach (var (key, value) in a.State) TensorAssert.Equal(value, b.State[key], key);
    }

    [Fact]
    public void MoreMicroBatchesThanAnEpochHasIsAnOptionError()
    {
        var root = RepoPaths.NewTempDir("srtrain-accum-bad");
        var (rc, output, error) = CliRun.Capture("train", "-opt", Data.PsnrOptions("accum_bad", 2, root), "--set", "train.accum_iter=4");
        Assert.NotEqual(0, rc);
        Assert.Contains("train.accum_iter: 4 micro-batches per step, but an epoch has only 3 batches", error + output);
        Assert.DoesNotContain("   at ", error + output);
    }
}

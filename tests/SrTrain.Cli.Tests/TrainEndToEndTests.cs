using System.Globalization;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Tests;

/// <summary>The two-stage pipeline as a user runs it: `srtrain train -opt` on a PSNR option file, then
/// on an ESRGAN file whose pretrain_network_g points at stage one's checkpoint; and exact resume.</summary>
[Collection(SerialCliCollection.Name)]
public class TrainEndToEndTests
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

    /// <summary>A training set smaller than one batch used to leave every epoch empty and the loop spinning forever.</summary>
    [Fact]
    public void TrainingSetSmallerThanOneBatchFailsBeforeTheFirstStep()
    {
        var root = RepoPaths.NewTempDir("srtrain-e2e");
        var options = Data.PsnrOptions("smoke_small", totalIter: 5, root);
        var (rc, output, error) = CliRun.Capture("train", "-opt", options, "--set", "datasets.train.batch_size_per_gpu=64");
        Assert.NotEqual(0, rc);
        Assert.Contains("do not fill one batch of batch_size_per_gpu (64)", error + output);
        Assert.DoesNotContain("   at ", error + output);   // one message, no stack trace
    }

    [Fact]
    public void PsnrStageThenEsrganStageFromItsCheckpoint()
    {
        var root = RepoPaths.NewTempDir("srtrain-e2e");
        var psnr = Data.PsnrOptions("smoke_psnr", totalIter: 30, root, printFreq: 1, checkpointFreq: 15, valFreq: 15, workers: 2);
        Assert.Equal(0, Cli("train", "-opt", psnr));

        var exp = Path.Combine(root, "experiments", "smoke_psnr");
        Assert.True(File.Exists(Path.Combine(exp, "models", "net_g_15.pth")));
        Assert.True(File.Exists(Path.Combine(exp, "models", "net_g_30.pth")));
        Assert.True(File.Exists(Path.Combine(exp, "training_states", "30.state")));
        Assert.True(File.Exists(Path.Combine(exp, "smoke_psnr.yml")), "the option file is copied into the experiment");
        Assert.NotEmpty(Directory.GetFiles(exp, "train_smoke_psnr_*.log"));
        Assert.True(File.Exists(Path.Combine(exp, "visualization", "0001", "0001_30.png")), "validation images are saved");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(root, "tb_logger", "smoke_psnr"), "events.out.tfevents.*"));

        var rows = ReadScalars(exp);
        var losses = rows.Where(r => r.ContainsKey("l_pix")).Select(r => r["l_pix"]).ToList();
        Assert.Equal(30, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(losses.Take(5).Average() > losses.TakeLast(5).Average() * 1.2,
            $"L1 should fall: first {losses.Take(5).Average():F4}, last {losses.TakeLast(5).Average():F4}");
        var psnrValues = rows.Where(r => r.ContainsKey("metrics/smoke_val/psnr")).Select(r => r["metrics/smoke_val/psnr"]).ToList();
        Assert.Equal(2, psnrValues.Count);
        Assert.All(psnrValues, v => Assert.InRange(v, 5, 60));

        // The checkpoint is BasicSR's layout: params and params_ema.
        using (var ema = new DisposableStateDict(PthFile.LoadStateDict(Path.Combine(exp, "models", "net_g_30.pth"), "params_ema")))
            Assert.Contains("body.0.rdb1.conv1.weight", ema.State.Keys);
        // ... and PyTorch loads it into the reference RRDBNet, strictly, both keys.
        var loaded = PythonReference.Run("""
            import sys, torch
            from archs_ref import RRDBNet
            ckpt = torch.load(sys.argv[1], weights_only=True)
            for key in ("params", "params_ema"):
                net = RRDBNet(3, 3, scale=4, num_feat=8, num_block=1, num_grow_ch=4)
                net.load_state_dict(ckpt[key], strict=True)
                assert not ckpt[key]["conv_first.weight"].requires_grad
            print("loaded", len(ckpt["params"]))
            """, Path.Combine(exp, "models", "net_g_30.pth"));
        Assert.StartsWith("loaded", loaded.Trim());

        var gan = Data.EsrganOptions("smoke_esrgan", totalIter: 3, root, Path.Combine(exp, "models", "net_g_30.pth"));
        Assert.Equal(0, Cli("train", "-opt", gan));
        var ganExp = Path.Combine(root, "experiments", "smoke_esrgan");
        var ganRows = ReadScalars(ganExp);
        foreach (var key in new[] { "l_g_pix", "l_g_percep", "l_g_gan", "l_d_real", "l_d_fake", "out_d_real", "out_d_fake" })
            Assert.All(ganRows, r => Assert.True(r.ContainsKey(key) && double.IsFinite(r[key]), $"{key} logged and finite"));
        Assert.True(File.Exists(Path.Combine(ganExp, "models", "net_d_3.pth")));
    }

    [Fact]
    public void ResumedRunEqualsUninterruptedRun()
    {
        var straightRoot = RepoPaths.NewTempDir("srtrain-straight");
        var splitRoot = RepoPaths.NewTempDir("srtrain-split");
        Assert.Equal(0, Cli("train", "-opt", Data.PsnrOptions("resume", 12, straightRoot, workers: 2)));
        Assert.Equal(0, Cli("train", "-opt", Data.PsnrOptions("resume", 6, splitRoot, workers: 2)));
        var state = Path.Combine(splitRoot, "experiments", "resume", "training_states", "6.state");
        Assert.Equal(0, Cli("train", "-opt", Data.PsnrOptions("resume", 12, splitRoot, workers: 2),
                            "--set", $"path.resume_state={state}"));

        var straight = ReadScalars(Path.Combine(straightRoot, "experiments", "resume"));
        var split = ReadScalars(Path.Combine(splitRoot, "experiments", "resume"));
        var straightTail = straight.Where(r => r["iter"] > 6 && r.ContainsKey("l_pix")).ToList();
        var splitTail = split.Where(r => r["iter"] > 6 && r.ContainsKey("l_pix")).ToList();
        Assert.Equal(6, straightTail.Count);
        Assert.Equal(straightTail.Select(r => r["l_pix"]), splitTail.Select(r => r["l_pix"]));
        Assert.Equal(straightTail.Select(r => r["lr"]), splitTail.Select(r => r["lr"]));

        using var a = new DisposableStateDict(PthFile.LoadStateDict(Path.Combine(straightRoot, "experiments", "resume", "models", "net_g_12.pth"), "params"));
        using var b = new DisposableStateDict(PthFile.LoadStateDict(Path.Combine(splitRoot, "experiments", "resume", "models", "net_g_12.pth"), "params"));
        foreach (var (key, value) in a.State) TensorAssert.Equal(value, b.State[key], key);
    }

    [Fact]
    public void MisspelledKeyFailsBeforeTrainingWithSuggestion()
    {
        var root = RepoPaths.NewTempDir("srtrain-typo");
        var path = Data.PsnrOptions("typo", 2, root);
        File.WriteAllText(path, File.ReadAllText(path).Replace("gt_size:", "gt_sise:"));
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, Cli("train", "-opt", path));
        }
        finally
        {
            Console.SetError(previous);
        }
        Assert.Contains("gt_sise", error.ToString());
        Assert.Contains("did you mean 'gt_size'", error.ToString());
    }
}

/// <summary>Disposes the tensors of a loaded state dict.</summary>
internal sealed class DisposableStateDict(Dictionary<string, Tensor> state) : IDisposable
{
    public Dictionary<string, Tensor> State { get; } = state;

    public void Dispose()
    {
        foreach (var t in State.Values) t.Dispose();
    }
}

/// <summary>CLI runs share the process's console and random generator: run them one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCliCollection
{
    public const string Name = "serial-cli";
}

using SrTrain.Torch;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Tests;

/// <summary>`srtrain train` applies conv_algorithm: under auto, where oneDNN has Winograd kernels, a float32 run with
/// 16-channel layers logs the choice and ends with weights that differ from the same run with direct (same seed, same
/// batches; Winograd rounds differently, and the third Adam step carries that into the weights); where it has none,
/// auto logs direct and the weights are the same bit for bit, and an explicit winograd is an option error naming the
/// key. (The logged losses are too coarse a witness: a mean over 50k pixels often rounds both ways alike.)</summary>
[Collection(SerialCliCollection.Name)]
public class ConvAlgorithmTrainingTests
{
    private static readonly SmokeData Data = new();

    private static (int Rc, string Output, string[] Losses, string Log, string Weights) Train(string root, string algorithm)
    {
        var name = "conv_" + algorithm;
        var options = Data.PsnrOptions(name, totalIter: 3, root);
        var (rc, output, error) = CliRun.Capture("train", "-opt", options, "--set", $"conv_algorithm={algorithm}",
                                                 "--set", "network_g.num_feat=16", "--set", "network_g.num_grow_ch=16",
                                                 "--set", "datasets.train.gt_size=64");
        var experiment = Path.Combine(root, "experiments", name);
        if (rc != 0) return (rc, output + error, [], "", "");
        var rows = File.ReadAllLines(Path.Combine(experiment, "scalars.csv"));
        int column = Array.IndexOf(rows[0].Split(','), "l_pix");
        var losses = rows.Skip(1).Select(r => r.Split(',')[column]).Where(c => c.Length > 0).ToArray();
        var log = File.ReadAllText(Directory.GetFiles(experiment, "train_*.log").Single());
        return (rc, output + error, losses, log, Path.Combine(experiment, "models", "net_g_3.pth"));
    }

    /// <summary>The largest |difference| over every tensor of two state dicts.</summary>
    private static double MaxDifference(string a, string b)
    {
        using var scope = LibTorch.NewDisposeScope();
        var left = PthFile.LoadStateDict(a, "params");
        var right = PthFile.LoadStateDict(b, "params");
        Assert.Equal(left.Keys.Order(), right.Keys.Order());
        return left.Keys.Max(k => left[k].To(DType.Float64).Sub(right[k].To(DType.Float64)).Abs().Max().Item());
    }

    [Fact]
    public void AutoTrainsWithWinogradWhereAvailableAndDirectKeepsLibtorchsRounding()
    {
        var root = RepoPaths.NewTempDir("srtrain-conv-algorithm");
        var direct = Train(root, "direct");
        var auto = Train(root, "auto");
        Assert.True(direct.Rc == 0 && auto.Rc == 0, direct.Output + auto.Output);
        Assert.Equal(3, direct.Losses.Length);
        Assert.Equal(3, auto.Losses.Length);
        if (ConvAlgorithm.WinogradAvailable)
        {
            Assert.Contains("Convolutions winograd: conv_algorithm: auto", auto.Log);
            double difference = MaxDifference(direct.Weights, auto.Weights);
            Assert.InRange(difference, 1e-12, 1e-3);   // different rounding, not a different computation
        }
        else
        {
            Assert.Contains("Convolutions direct: conv_algorithm: auto", auto.Log);
            Assert.Equal(direct.Losses, auto.Losses);
            Assert.Equal(0, MaxDifference(direct.Weights, auto.Weights));
            var explicitWinograd = Train(root, "winograd");
            Assert.NotEqual(0, explicitWinograd.Rc);
            Assert.Contains("conv_algorithm: winograd is unavailable", explicitWinograd.Output);
            Assert.DoesNotContain("   at ", explicitWinograd.Output);
        }
    }
}

using System.Text;
using SrTrain.Archs;
using SrTrain.Tools.Inference;
using SrTrain.Data;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Tests;

/// <summary>Tiny RRDBNet checkpoints and images for the infer/interp tests, and a CLI runner that captures
/// what the command printed.</summary>
internal static class InferTestData
{
    /// <summary>RRDBNet small enough for a test: 8 features, 1 RRDB, growth 4.</summary>
    public static readonly string[] ArchArgs =
        ["--arch", "RRDBNet", "--arch-opt", "num_feat=8", "--arch-opt", "num_block=1", "--arch-opt", "num_grow_ch=4", "--scale", "4"];

    public static List<KeyValuePair<string, object?>> ArchOptions =>
        Commands.ArchOptionParser.Parse(["num_feat=8", "num_block=1", "num_grow_ch=4"]);

    /// <summary>RRDBNet options whose convolutions Winograd takes (channel counts multiples of 16): 16 features, 1 RRDB,
    /// growth 16.</summary>
    public static readonly string[] WinogradSizedArchOpts = ["num_feat=16", "num_block=1", "num_grow_ch=16"];

    /// <summary>A freshly initialised tiny RRDBNet x4 (seeded), its state saved as {'params': ...} in
    /// <paramref name="dir"/>; returns the path. <paramref name="lively"/> doubles every weight and adds 0.5 to
    /// the last bias, so the output spans [0, 1] and depends strongly on context (the initialisation's
    /// outputs stay below 12/255). <paramref name="archOpts"/>: other RRDBNet options than <see cref="ArchOptions"/>.</summary>
    public static string Checkpoint(string dir, int seed, string name = "net_g.pth", bool lively = false, string[]? archOpts = null)
    {
        LibTorch.ManualSeed((ulong)seed);
        using var net = Upscaler.BuildArch("RRDBNet", archOpts is null ? ArchOptions : Commands.ArchOptionParser.Parse(archOpts), 4);
        var path = Path.Combine(dir, name);
        using var scope = LibTorch.NewDisposeScope();
        var state = net.StateDict().ToDictionary(p => p.Key, p => !lively ? p.Value
            : p.Key.EndsWith(".weight") ? p.Value * 2.0 : p.Key == "conv_last.bias" ? p.Value + 0.5 : p.Value);
        PthFile.Save(path, new Dictionary<string, object?> { ["params"] = state });
        return path;
    }

    /// <summary>A smooth colourful test image with some texture (deterministic).</summary>
    public static Image Picture(int height, int width, int channels = 3)
    {
        var image = new Image(height, width, channels);
        var rng = new Random(7);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    image[y, x, c] = (float)Math.Clamp(0.5 + 0.3 * Math.Sin(0.4 * x + 0.7 * c) * Math.Cos(0.3 * y - c)
                                                       + 0.1 * rng.NextDouble(), 0, 1);
        return image;
    }

    /// <summary>Runs <c>srtrain</c> with <paramref name="args"/>, returning the exit code and what it wrote to
    /// stderr (stdout still goes to the test log).</summary>
    public static (int Code, string Stderr) Cli(params string[] args)
    {
        var previous = Console.Error;
        var err = new StringWriter(new StringBuilder());
        Console.SetError(err);
        try
        {
            return (Program.Main(args), err.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    /// <summary>Largest absolute difference of two images of the same shape.</summary>
    public static double MaxDiff(Image a, Image b)
    {
        Assert.Equal(a.SizeText, b.SizeText);
        double max = 0;
        for (long i = 0; i < a.Data.LongLength; i++) max = Math.Max(max, Math.Abs(a.Data[i] - b.Data[i]));
        return max;
    }
}

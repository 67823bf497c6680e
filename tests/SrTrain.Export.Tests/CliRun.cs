using System.Text;
using SrTrain.Archs;
using SrTrain.Data;
using SrTrain.Torch.Serialization;

namespace SrTrain.Export.Tests;

/// <summary>Runs <c>srtrain</c> in-process and makes the small checkpoints and pictures the CLI tests feed it.</summary>
internal static class CliRun
{
    /// <summary>Exit code and what the command wrote to stdout and stderr.</summary>
    public static (int Code, string Stdout, string Stderr) Srtrain(params string[] args)
    {
        var (previousOut, previousErr) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(new StringBuilder()), new StringWriter(new StringBuilder()));
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            return (Cli.Program.Main(args), stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousErr);
        }
    }

    /// <summary>A seeded network of <paramref name="arch"/> saved as {'params': ...}; weights doubled and the last bias
    /// raised so the output spans [0, 1] (a fresh initialisation's is nearly black).</summary>
    public static string Checkpoint(string dir, string arch, int scale, string[] options, string lastBias, int seed = 3)
    {
        LibTorch.ManualSeed((ulong)seed);
        var pairs = options.Select(o => o.Split('=')).Select(p => new KeyValuePair<string, object?>(p[0], p[1]));
        using var net = ArchInfo.Get(arch).Create(pairs, scale);
        using var scope = LibTorch.NewDisposeScope();
        var state = net.StateDict().ToDictionary(p => p.Key, p => p.Key.EndsWith(".weight") ? p.Value * 2.0 : p.Key == lastBias ? p.Value + 0.5 : p.Value);
        var path = Path.Combine(dir, "net_g.pth");
        PthFile.Save(path, new Dictionary<string, object?> { ["params"] = state });
        return path;
    }

    /// <summary>A smooth colourful picture with some noise (deterministic).</summary>
    public static Image Picture(int height, int width)
    {
        var image = new Image(height, width, 3);
        var rng = new Random(11);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 3; c++)
                    image[y, x, c] = (float)Math.Clamp(0.5 + 0.3 * Math.Sin(0.4 * x + 0.7 * c) * Math.Cos(0.3 * y - c) + 0.1 * rng.NextDouble(), 0, 1);
        return image;
    }

    /// <summary>Largest difference of two 8-bit images in grey levels.</summary>
    public static int MaxLevels(Image a, Image b)
    {
        Assert.Equal(a.SizeText, b.SizeText);
        int max = 0;
        for (long i = 0; i < a.Data.LongLength; i++) max = Math.Max(max, (int)Math.Round(Math.Abs(a.Data[i] - b.Data[i]) * 255));
        return max;
    }
}

using SrTrain.Data;

namespace SrTrain.Bench;

/// <summary>The files of the loader benchmarks: DIV2K-like 480x480 GT PNG sub-images and their 120x120 x4 LQ
/// (<c>0001.png</c> / <c>0001x4.png</c>), deterministic photo-like content (smooth shading plus fine texture,
/// so PNG decoding costs what it costs on photos). Written to <c>TMP/srtrain-bench-loader-PID</c>: the PyTorch
/// side (a child process) finds them from its parent's id and reads the same files in the same run.</summary>
internal static class LoaderBenchData
{
    public const int Images = 32, GtSize = 480, Scale = 4, PatchSize = 128, BatchSize = 16, Workers = 2;

    /// <summary>Each epoch visits every image this many times, so epochs (and worker start-ups) are rare on both sides.</summary>
    public const int EnlargeRatio = 100;

    public static string Root => Path.Combine(Path.GetTempPath(), $"srtrain-bench-loader-{Environment.ProcessId}");

    /// <summary>Writes the files unless present; returns the root holding <c>gt/</c> and <c>lq/</c>.</summary>
    public static string Ensure()
    {
        var root = Root;
        if (File.Exists(Path.Combine(root, "complete"))) return root;
        Parallel.For(1, Images + 1, i =>
        {
            var gt = Photo(GtSize, i);
            ImageIO.Write(Path.Combine(root, "gt", $"{i:D4}.png"), gt);
            ImageIO.Write(Path.Combine(root, "lq", $"{i:D4}x{Scale}.png"), Imresize.Downscale(gt, Scale));
        });
        File.WriteAllText(Path.Combine(root, "complete"), "");
        return root;
    }

    /// <summary>Removes the files (each loader workload does when it is disposed).</summary>
    public static void Remove()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, true);
    }

    private static Image Photo(int size, int seed)
    {
        var image = new Image(size, size, 3);
        var rng = new SampleRng((ulong)seed);
        double fx = 0.01 + rng.NextDouble() * 0.03, fy = 0.01 + rng.NextDouble() * 0.03;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                for (int c = 0; c < 3; c++)
                {
                    double shade = 0.5 + 0.3 * Math.Sin(x * fx + c) * Math.Cos(y * fy - c);
                    double texture = (rng.NextDouble() - 0.5) * 0.08;
                    image[y, x, c] = (float)Math.Clamp(shade + texture, 0, 1);
                }
        return image;
    }
}

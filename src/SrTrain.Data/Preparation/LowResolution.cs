using SrTrain.Data.Datasets;
using SrTrain.Data.Transforms;

namespace SrTrain.Data.Preparation;

/// <summary>Makes bicubic LR images from HR ones as DIV2K's organisers did (MATLAB <c>imresize</c>, see
/// <see cref="Imresize"/>): each HR image mod-cropped to the scale and downscaled by it, written as PNG named
/// <c>0001x4.png</c> (DIV2K's <c>X4</c> folders) or with the HR name when <c>keepNames</c>.</summary>
public static class LowResolution
{
    /// <summary>Writes one LR image per HR image of <paramref name="hrDir"/> into <paramref name="lrDir"/>; returns the count.</summary>
    public static int Make(string hrDir, string lrDir, int scale, bool keepNames = false, Action<PrepareProgress>? progress = null,
                           int maxParallelism = 0)
    {
        if (scale < 2) throw new ArgumentException($"scale must be >= 2, got {scale}");
        var files = ImageFolder.List(hrDir, "input");
        Directory.CreateDirectory(lrDir);
        ParallelFiles.Run($"lr x{scale}", files, file =>
        {
            var hr = ImageIO.Read(file, ImageReadMode.Unchanged, out int bits);
            var lr = Imresize.Downscale(ModCrop.Apply(hr, scale), scale);
            ImageIO.Write(Path.Combine(lrDir, LrName(file, scale, keepNames)), lr, bits == 16 ? 16 : 8);
        }, progress, maxParallelism);
        return files.Count;
    }

    /// <summary>"0001x4.png" for "0001.png" (or "0001.png" when <paramref name="keepNames"/>).</summary>
    public static string LrName(string hrPath, int scale, bool keepNames) =>
        Path.GetFileNameWithoutExtension(hrPath) + (keepNames ? "" : $"x{scale}") + ".png";
}

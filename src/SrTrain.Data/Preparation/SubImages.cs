using SrTrain.Data.Datasets;

namespace SrTrain.Data.Preparation;

/// <summary>BasicSR's extract_subimages: cuts every image into overlapping <c>crop</c> x <c>crop</c> tiles every
/// <c>step</c> pixels (plus a last tile flush with the border when more than <c>thresh</c> pixels would be
/// left over), saved as PNG <c>0001_s001.png</c>, <c>0001_s002.png</c>, ... in row-major order (an LR
/// <c>0001x4.png</c> gives <c>0001_s001.png</c> too). Training then
/// decodes 480x480 tiles instead of 2K images. Bit depth and channels are kept.</summary>
public static class SubImages
{
    /// <summary>GT defaults of BasicSR (for LQ folders divide crop and step by the scale).</summary>
    public const int DefaultCrop = 480, DefaultStep = 240, DefaultThresh = 0;

    /// <summary>Tiles every image of <paramref name="inputDir"/> into <paramref name="outputDir"/>; returns the number of tiles written.</summary>
    public static int Extract(string inputDir, string outputDir, int crop = DefaultCrop, int step = DefaultStep, int thresh = DefaultThresh,
                              Action<PrepareProgress>? progress = null, int maxParallelism = 0)
    {
        if (crop <= 0 || step <= 0 || thresh < 0) throw new ArgumentException($"crop ({crop}) and step ({step}) must be positive, thresh ({thresh}) >= 0");
        var files = ImageFolder.List(inputDir, "input");
        Directory.CreateDirectory(outputDir);
        int tiles = 0;
        ParallelFiles.Run("subimages", files, file =>
        {
            var image = ImageIO.Read(file, ImageReadMode.Unchanged, out int bits);
            if (image.Height < crop || image.Width < crop)
                throw new InvalidDataException($"{file} ({image.Height}x{image.Width}) is smaller than the crop size {crop}; use a smaller crop");
            var name = TileBaseName(file);
            int index = 0;
            foreach (int top in Starts(image.Height, crop, step, thresh))
                foreach (int left in Starts(image.Width, crop, step, thresh))
                {
                    index++;
                    ImageIO.Write(Path.Combine(outputDir, $"{name}_s{index:D3}.png"), image.Crop(top, left, crop, crop), bits == 16 ? 16 : 8);
                }
            Interlocked.Add(ref tiles, index);
        }, progress, maxParallelism);
        return tiles;
    }

    /// <summary>The name tiles are numbered under: the file name without extension and without a DIV2K scale
    /// suffix (0001x4.png -> 0001), as BasicSR does, so GT and LQ tiles share names (filename_tmpl '{}').</summary>
    public static string TileBaseName(string file)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        foreach (var suffix in new[] { "x2", "x3", "x4", "x8" })
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal)) return name[..^suffix.Length];
        return name;
    }

    /// <summary>Tile start positions along one side: 0, step, 2 step, ... and length - crop when the remainder exceeds thresh.</summary>
    public static List<int> Starts(int length, int crop, int step, int thresh)
    {
        var starts = new List<int>();
        for (int s = 0; s <= length - crop; s += step) starts.Add(s);
        if (starts.Count > 0 && length - (starts[^1] + crop) > thresh) starts.Add(length - crop);
        return starts;
    }
}

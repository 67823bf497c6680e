using SrTrain.Engine.Metrics;
using SrTrain.Data;

namespace SrTrain.Tools.Evaluation;

/// <summary>NIQE of one image file (no reference).</summary>
public sealed record NiqeScore(string Name, string Sr, double Niqe);

/// <summary>NIQE of image files as BasicSR's calculate_niqe scores them (values in [0, 255] as
/// <see cref="ImagePairMetrics.Read"/> reads them, crop_border, convert_to 'y' or 'gray').</summary>
public static class ImageNiqe
{
    /// <summary>The images of <paramref name="sr"/> (a file, or a folder searched recursively, in ordinal order),
    /// each named by its path relative to the folder without extension.</summary>
    public static IReadOnlyList<(string Name, string Path)> List(string sr)
    {
        if (File.Exists(sr)) return [(Path.GetFileNameWithoutExtension(sr), sr)];
        if (!Directory.Exists(sr)) throw new FileNotFoundException($"--sr {sr} does not exist", sr);
        var files = Directory.EnumerateFiles(sr, "*", SearchOption.AllDirectories).Where(ImageIO.IsImageFile)
                             .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"--sr folder {sr} holds no images", sr);
        return files.Select(f =>
        {
            var relative = Path.GetRelativePath(sr, f);
            return (Path.Combine(Path.GetDirectoryName(relative) ?? "", Path.GetFileNameWithoutExtension(relative)), f);
        }).ToList();
    }

    /// <summary>NIQE of the image file at <paramref name="path"/>; a too small image is an error naming the file.</summary>
    public static double Score(string path, int cropBorder, string convertTo = "y") =>
        Niqe.Calculate(ImagePairMetrics.Read(path), cropBorder, convertTo, path);
}

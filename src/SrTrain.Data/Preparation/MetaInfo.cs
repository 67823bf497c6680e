using SrTrain.Data.Datasets;

namespace SrTrain.Data.Preparation;

/// <summary>Writes a BasicSR meta_info file: one line per image, <c>0001_s001.png (480,480,3)</c>, names
/// relative to the folder, sorted. Datasets read it instead of listing the folder.</summary>
public static class MetaInfo
{
    /// <summary>Describes every image of <paramref name="inputDir"/> into <paramref name="outputFile"/>; returns the line count.</summary>
    public static int Write(string inputDir, string outputFile, Action<PrepareProgress>? progress = null, int maxParallelism = 0)
    {
        var files = ImageFolder.List(inputDir, "input");
        var lines = new string[files.Count];
        var index = files.Select((f, i) => (f, i)).ToDictionary(p => p.f, p => p.i);
        ParallelFiles.Run("meta-info", files, file =>
        {
            var image = ImageIO.Read(file, ImageReadMode.Unchanged);
            var rel = Path.GetRelativePath(inputDir, file).Replace('\\', '/');
            lines[index[file]] = $"{rel} ({image.Height},{image.Width},{image.Channels})";
        }, progress, maxParallelism);
        var dir = Path.GetDirectoryName(Path.GetFullPath(outputFile));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllLines(outputFile, lines);
        return lines.Length;
    }
}

namespace SrTrain.Data.Datasets;

/// <summary>Lists the image files of a dataset folder (recursively, sorted by ordinal path as Python's sorted()).</summary>
public static class ImageFolder
{
    /// <summary>The image files under <paramref name="folder"/>; a missing or empty folder is an error naming
    /// it and the option key <paramref name="key"/> it came from.</summary>
    public static List<string> List(string folder, string key = "dataroot")
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{key}: folder '{folder}' does not exist");
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(ImageIO.IsImageFile)
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
            throw new InvalidDataException($"{key}: folder '{folder}' holds no image files ({string.Join(", ", ImageIO.Extensions)})");
        return files;
    }

    /// <summary>The relative path without extension ("sub/0001" for "root/sub/0001.png"), the key names are paired on.</summary>
    public static string Stem(string root, string path)
    {
        var rel = Path.GetRelativePath(root, path);
        return Path.Combine(Path.GetDirectoryName(rel) ?? "", Path.GetFileNameWithoutExtension(rel));
    }

    /// <summary>File names listed in a BasicSR meta_info file (first token of each non-empty line:
    /// <c>0001_s001.png (480,480,3)</c>).</summary>
    public static List<string> ReadMetaInfo(string metaInfoFile)
    {
        if (!File.Exists(metaInfoFile)) throw new FileNotFoundException($"meta_info_file '{metaInfoFile}' does not exist", metaInfoFile);
        return File.ReadLines(metaInfoFile)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0)
            .Select(l => l.Split(' ', 2)[0])
            .ToList();
    }
}

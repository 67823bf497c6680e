namespace SrTrain.Data;

/// <summary>An image file that cannot be read (missing, corrupt, truncated, unsupported); names the file.</summary>
public sealed class ImageReadException(string path, string reason, Exception? inner = null)
    : IOException($"{path}: cannot read image: {reason}", inner)
{
    /// <summary>The file that failed.</summary>
    public string FilePath { get; } = path;
}

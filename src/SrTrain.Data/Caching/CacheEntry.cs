namespace SrTrain.Data.Caching;

/// <summary>One image of a decode-once cache: the source file's identity (name relative to the dataset root,
/// size, modification time) and where its decoded values lie in the cache file.</summary>
internal sealed record CacheEntry(string Name, long FileSize, long MTimeTicks, int Height, int Width, int Channels,
                                  int BytesPerValue, long Offset)
{
    public long DataBytes => (long)Height * Width * Channels * BytesPerValue;

    /// <summary>The identity of <paramref name="file"/> under <paramref name="root"/> as the cache records it.</summary>
    public static (string Name, long Size, long MTimeTicks) Identify(string root, string file)
    {
        var info = new FileInfo(file);
        if (!info.Exists) throw new FileNotFoundException($"{file} does not exist", file);
        return (Path.GetRelativePath(root, file).Replace('\\', '/'), info.Length, info.LastWriteTimeUtc.Ticks);
    }
}

namespace SrTrain.Torch.Serialization;

/// <summary>Writes a file through a temporary sibling that is renamed over the target only once
/// complete and flushed to disk, so a crash never leaves a half-written checkpoint.</summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true); // rename(2): atomic on one file system
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { /* keep the original error */ }
            throw;
        }
    }
}

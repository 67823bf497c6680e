using System.Runtime.InteropServices;

namespace SrTrain.Torch.Serialization;

/// <summary>Writes a file through a temporary sibling that is renamed over the target only once
/// complete and flushed to disk, then flushes the folder so the rename itself survives a power loss:
/// a crash leaves either the old file or the new one, never a half-written checkpoint.</summary>
internal static class AtomicFile
{
    /// <summary>Prefix and suffix of the temporary files (<c>.&lt;name&gt;.&lt;guid&gt;.tmp</c>); a crash can leave them behind.</summary>
    public const string TempPrefix = ".", TempSuffix = ".tmp";

    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $"{TempPrefix}{Path.GetFileName(full)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true); // fsync(2) of the file's data before it gets the real name
            }
            File.Move(temp, full, overwrite: true); // rename(2): atomic on one file system
            SyncDirectory(dir);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { /* keep the original error */ }
            // A full disk or a file-size limit fails inside the temporary file: name the file being written. .NET reports
            // EFBIG (a file-size limit, RLIMIT_FSIZE or the file system's) as an ArgumentOutOfRangeException from its
            // file I/O; one thrown by the serializer itself is a bug and is left alone.
            if (e is IOException io and not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
                throw new IOException($"could not write {full}: {io.Message.Trim()}", io);
            if (e is ArgumentOutOfRangeException && e.TargetSite?.DeclaringType?.FullName?.StartsWith("System.IO.", StringComparison.Ordinal) == true)
                throw new IOException($"could not write {full}: file too large (over the file system's or the process's file-size limit)", e);
            throw;
        }
    }

    /// <summary>fsync(2) of a folder, which makes a rename in it durable (no-op where folders cannot be opened).</summary>
    private static void SyncDirectory(string dir)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Posix.open(dir, Posix.ORdOnly);   // a folder opens read-only on Linux and macOS
        if (fd < 0) return;   // the file itself is already on disk; only the rename's durability is left to the OS
        try { Posix.fsync(fd); }
        finally { Posix.close(fd); }
    }

    private static class Posix
    {
        public const int ORdOnly = 0;
        [DllImport("libc", SetLastError = true)] public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
        [DllImport("libc", SetLastError = true)] public static extern int fsync(int fd);
        [DllImport("libc", SetLastError = true)] public static extern int close(int fd);
    }
}

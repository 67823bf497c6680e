using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using System.Text;
using SrTrain.Abstractions.Checksums;

namespace SrTrain.Data.Caching;

/// <summary>The decode-once cache of one dataset root (EDSR-PyTorch's <c>--ext sep</c> idea, as one file):
/// every image decoded once into its stored values (8-bit images as bytes, 16-bit as ushorts, RGB order)
/// in a memory-mapped file, so later epochs crop straight from memory instead of decoding PNGs. The file
/// records each source's name, size and modification time; any difference (a file changed, added or
/// removed) rebuilds it, and so does a damaged file (with a warning). Its size is reported before it is
/// built; it is built under a temporary name and renamed, so an interrupted build leaves no valid-looking file.
/// Layout: 32-byte header (magic, version, read mode, count, CRC-32C and length of the index), the index,
/// then each image's values at 4096-byte-aligned offsets.</summary>
public sealed class DecodedCache : IDisposable
{
    /// <summary>Extension of cache files.</summary>
    public const string Extension = ".srcache";

    /// <summary>The folder, under a dataset root, that holds its cache when no <c>cache_dir</c> is given.</summary>
    public const string DefaultFolderName = ".srtrain_cache";

    private const int Version = 1, HeaderBytes = 32, Alignment = 4096;
    private static ReadOnlySpan<byte> Magic => "SRTCACHE"u8;

    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private readonly unsafe byte* basePointer;
    private readonly CacheEntry[] entries;
    private readonly Dictionary<string, int> byPath;

    private unsafe DecodedCache(string filePath, string root, CacheEntry[] entries, bool built)
    {
        (FilePath, Root, this.entries, WasBuilt) = (filePath, root, entries, built);
        map = MemoryMappedFile.CreateFromFile(filePath, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        basePointer = p + view.PointerOffset;
        SizeBytes = new FileInfo(filePath).Length;
        byPath = new Dictionary<string, int>(entries.Length, StringComparer.Ordinal);
        for (int i = 0; i < entries.Length; i++) byPath[Path.GetFullPath(Path.Combine(root, entries[i].Name))] = i;
    }

    /// <summary>The cache file.</summary>
    public string FilePath { get; }

    /// <summary>The dataset root whose images it holds.</summary>
    public string Root { get; }

    /// <summary>Size of the cache file in bytes.</summary>
    public long SizeBytes { get; }

    /// <summary>True when this call decoded the images (no valid cache was found).</summary>
    public bool WasBuilt { get; }

    /// <summary>Number of images held.</summary>
    public int Count => entries.Length;

    /// <summary>Where the cache of <paramref name="root"/> lives: <c>ROOT/.srtrain_cache/decoded_rgb.srcache</c>
    /// by default, or <c>CACHE_DIR/NAME-HASH_rgb.srcache</c> (NAME the root's folder name, HASH of its full path)
    /// when <paramref name="cacheDir"/> is given (for read-only dataset folders, or a faster disk).</summary>
    public static string PathFor(string root, string? cacheDir, ImageReadMode mode)
    {
        var full = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        var suffix = mode.ToString().ToLowerInvariant() + Extension;
        if (string.IsNullOrEmpty(cacheDir)) return Path.Combine(full, DefaultFolderName, "decoded_" + suffix);
        var hash = Crc32C.Compute(Encoding.UTF8.GetBytes(full)).ToString("x8");
        return Path.Combine(cacheDir, $"{Path.GetFileName(full)}-{hash}_{suffix}");
    }

    /// <summary>Maps the cache of <paramref name="files"/> (under <paramref name="root"/>) from
    /// <paramref name="cacheFile"/>, building it first when it is missing, stale or damaged.
    /// <paramref name="report"/> receives the size before a build, the reason for a rebuild, and warnings.</summary>
    public static DecodedCache OpenOrBuild(string root, IReadOnlyList<string> files, ImageReadMode mode, string cacheFile,
                                           Action<string>? report = null, int maxParallelism = 0)
    {
        report ??= _ => { };
        var identities = files.Select(f => CacheEntry.Identify(root, f)).ToList();
        string reason;
        if (!File.Exists(cacheFile)) reason = "no cache yet";
        else
        {
            var (existing, problem, corrupt) = ReadIndex(cacheFile, mode);
            if (existing is not null && (problem = Compare(existing, identities)) is null)
                return new DecodedCache(cacheFile, root, existing, built: false);
            if (corrupt) report($"warning: decode cache {cacheFile} is damaged ({problem}); rebuilding it");
            reason = problem!;
        }
        var built = Build(root, files, identities, mode, cacheFile, reason, report, maxParallelism);
        return new DecodedCache(cacheFile, root, built, built: true);
    }

    /// <summary>The cached image of <paramref name="path"/> (any spelling of the same full path), if held.</summary>
    public bool TryGet(string path, out StoredImage image)
    {
        if (byPath.TryGetValue(Path.GetFullPath(path), out int i))
        {
            image = Image(i);
            return true;
        }
        image = null!;
        return false;
    }

    /// <summary>The full paths of the images held, in cache order.</summary>
    public IEnumerable<string> Paths => byPath.Keys;

    private unsafe StoredImage Image(int i)
    {
        var e = entries[i];
        return new CachedImage(basePointer + e.Offset, e.Height, e.Width, e.Channels, e.BytesPerValue);
    }

    public void Dispose()
    {
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        map.Dispose();
    }

    // Null entries with the problem when the file is unusable; corrupt says whether that deserves a warning
    // (damage) rather than a note (another version or read mode).
    private static (CacheEntry[]? Entries, string? Problem, bool Corrupt) ReadIndex(string cacheFile, ImageReadMode mode)
    {
        try
        {
            using var stream = File.OpenRead(cacheFile);
            long length = stream.Length;
            var header = new byte[HeaderBytes];
            if (stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes) return (null, "shorter than its header", true);
            if (!header.AsSpan(0, 8).SequenceEqual(Magic)) return (null, "not a decode cache file (bad magic)", true);
            int version = BitConverter.ToInt32(header, 8), fileMode = BitConverter.ToInt32(header, 12), count = BitConverter.ToInt32(header, 16);
            uint crc = BitConverter.ToUInt32(header, 20);
            long indexLength = BitConverter.ToInt64(header, 24);
            if (version != Version) return (null, $"made by cache format version {version}, this is {Version}", false);
            if (count < 0 || indexLength < 0 || HeaderBytes + indexLength > length) return (null, "index outside the file", true);
            var index = new byte[indexLength];
            if (stream.ReadAtLeast(index, index.Length, throwOnEndOfStream: false) < index.Length) return (null, "truncated index", true);
            if (Crc32C.Compute(index) != crc) return (null, "index checksum mismatch", true);
            if (fileMode != (int)mode) return (null, $"holds images read as {(ImageReadMode)fileMode}, not {mode}", false);
            var entries = ParseIndex(index, count);
            var end = entries.Length == 0 ? 0 : entries.Max(e => e.Offset + e.DataBytes);
            if (end > length) return (null, $"truncated: {length} bytes, the index needs {end}", true);
            return (entries, null, false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException or ArgumentException)
        {
            return (null, e.Message, true);
        }
    }

    private static CacheEntry[] ParseIndex(byte[] index, int count)
    {
        using var reader = new BinaryReader(new MemoryStream(index), Encoding.UTF8);
        var entries = new CacheEntry[count];
        for (int i = 0; i < count; i++)
            entries[i] = new CacheEntry(reader.ReadString(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32(),
                                        reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt64());
        if (entries.Any(e => e.Height <= 0 || e.Width <= 0 || e.Channels is < 1 or > 4 || e.BytesPerValue is not (1 or 2 or 4) || e.Offset < 0))
            throw new ArgumentException("invalid index entry");
        return entries;
    }

    private static byte[] WriteIndex(IReadOnlyList<CacheEntry> entries)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
            foreach (var e in entries)
            {
                writer.Write(e.Name);
                writer.Write(e.FileSize);
                writer.Write(e.MTimeTicks);
                writer.Write(e.Height);
                writer.Write(e.Width);
                writer.Write(e.Channels);
                writer.Write(e.BytesPerValue);
                writer.Write(e.Offset);
            }
        return memory.ToArray();
    }

    // Null when the cache holds exactly these files, unchanged; otherwise what differs (first difference).
    private static string? Compare(CacheEntry[] cached, List<(string Name, long Size, long MTimeTicks)> current)
    {
        var byName = cached.ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var (name, size, mtime) in current)
        {
            if (!byName.TryGetValue(name, out var e)) return $"{name} is new";
            if (e.FileSize != size || e.MTimeTicks != mtime) return $"{name} changed";
        }
        if (cached.Length != current.Count)
            return $"{cached.Select(e => e.Name).Except(current.Select(c => c.Name)).FirstOrDefault() ?? "a file"} was removed";
        return null;
    }

    private static unsafe CacheEntry[] Build(string root, IReadOnlyList<string> files, List<(string Name, long Size, long MTimeTicks)> identities,
                                             ImageReadMode mode, string cacheFile, string reason, Action<string> report, int maxParallelism)
    {
        // Sizes first (PNG headers; other formats are decoded once for it), so the size is known up front.
        var shapes = new (int H, int W, int C, int Bytes)[files.Count];
        Parallel.For(0, files.Count, Options(maxParallelism), i => shapes[i] = Probe(files[i], mode));
        var index = new CacheEntry[files.Count];
        var nameBytes = identities.Sum(id => (long)Encoding.UTF8.GetByteCount(id.Name) + 5);   // + 7-bit length prefix (<= 5)
        long offset = Align(HeaderBytes + nameBytes + files.Count * (8L + 8 + 4 * 4 + 8));
        for (int i = 0; i < files.Count; i++)
        {
            var (h, w, c, b) = shapes[i];
            index[i] = new CacheEntry(identities[i].Name, identities[i].Size, identities[i].MTimeTicks, h, w, c, b, offset);
            offset = Align(offset + index[i].DataBytes);
        }
        long total = offset;
        report($"decode cache: decoding {files.Count} images of {root} once into {cacheFile}: {FormatBytes(total)} ({reason})");
        var dir = Path.GetDirectoryName(Path.GetFullPath(cacheFile))!;
        Directory.CreateDirectory(dir);
        CheckFreeSpace(dir, total, cacheFile);

        var indexBytes = WriteIndex(index);
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        BitConverter.TryWriteBytes(header.AsSpan(8), Version);
        BitConverter.TryWriteBytes(header.AsSpan(12), (int)mode);
        BitConverter.TryWriteBytes(header.AsSpan(16), files.Count);
        BitConverter.TryWriteBytes(header.AsSpan(20), Crc32C.Compute(indexBytes));
        BitConverter.TryWriteBytes(header.AsSpan(24), (long)indexBytes.Length);

        var partial = $"{cacheFile}.partial-{Environment.ProcessId}";
        var clock = Stopwatch.StartNew();
        try
        {
            using (var stream = new FileStream(partial, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            {
                stream.SetLength(total);
                stream.Write(header);
                stream.Write(indexBytes);
            }
            using (var map = MemoryMappedFile.CreateFromFile(partial, FileMode.Open, null, total, MemoryMappedFileAccess.ReadWrite))
            using (var view = map.CreateViewAccessor(0, total, MemoryMappedFileAccess.ReadWrite))
            {
                byte* p = null;
                view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
                try
                {
                    byte* start = p + view.PointerOffset;
                    Parallel.For(0, files.Count, Options(maxParallelism), i =>
                    {
                        var e = index[i];
                        using var held = DecodeHeld(files[i], mode);
                        if (held.Height != e.Height || held.Width != e.Width || held.Channels != e.Channels || held.BytesPerValue != e.BytesPerValue)
                            throw new InvalidDataException(
                                $"{files[i]}: its header says {e.Height}x{e.Width}x{e.Channels} ({e.BytesPerValue * 8}-bit) but it decodes as " +
                                $"{held.Height}x{held.Width}x{held.Channels} ({held.Bits}-bit)");
                        held.CopyRaw(new Span<byte>(start + e.Offset, checked((int)e.DataBytes)));
                    });
                    view.Flush();
                }
                finally
                {
                    view.SafeMemoryMappedViewHandle.ReleasePointer();
                }
            }
            File.Move(partial, cacheFile, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        report($"decode cache: built {cacheFile} in {seconds:F1} s ({files.Count / Math.Max(seconds, 1e-9):F0} images/s)");
        return index;
    }

    private static Torch.DecodedImage DecodeHeld(string path, ImageReadMode mode)
    {
        var bytes = File.ReadAllBytes(path);
        try { return Torch.ImageCodec.DecodeHeld(bytes, (int)mode); }
        catch (Torch.TorchException e) { throw new ImageReadException(path, e.Message, e); }
    }

    private static (int, int, int, int) Probe(string path, ImageReadMode mode)
    {
        if ((mode is ImageReadMode.Rgb or ImageReadMode.Rgba or ImageReadMode.Gray) && PngHeader.TryRead(path, out var png) && png.SizeIsDecodedSize)
            return (png.Height, png.Width, mode switch { ImageReadMode.Rgb => 3, ImageReadMode.Rgba => 4, _ => 1 }, png.Bits / 8);
        using var held = DecodeHeld(path, mode);
        return (held.Height, held.Width, held.Channels, held.BytesPerValue);
    }

    private static void CheckFreeSpace(string dir, long needed, string cacheFile)
    {
        long free;
        try { free = new DriveInfo(dir).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException) { return; }
        if (free < needed)
            throw new IOException($"decode cache {cacheFile} needs {FormatBytes(needed)} but {dir} has {FormatBytes(free)} free; " +
                                  "set io_backend.cache_dir to a larger disk or use type: disk");
    }

    private static ParallelOptions Options(int maxParallelism) =>
        new() { MaxDegreeOfParallelism = maxParallelism > 0 ? maxParallelism : Environment.ProcessorCount };

    private static long Align(long offset) => (offset + Alignment - 1) / Alignment * Alignment;

    /// <summary>"1.2 GB", "340 MB", as in messages.</summary>
    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F1} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MB",
        _ => $"{bytes / 1024.0:F1} KB",
    };
}

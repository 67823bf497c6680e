using System.IO.Compression;
using System.Numerics;

namespace SrTrain.Torch.Serialization;

/// <summary>Reads both on-disk layouts of <c>torch.save</c>: the zip format (PyTorch &gt;= 1.6:
/// <c>&lt;archive&gt;/data.pkl</c> + one <c>&lt;archive&gt;/data/&lt;key&gt;</c> entry per storage) and the
/// legacy stream (magic, protocol, sys_info and object pickles, the storage-key list, then per
/// storage an int64 element count and its raw bytes).</summary>
internal static class PthReader
{
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("119547037146038801333356");
    private const long LegacyProtocol = 1001;

    /// <summary>The object tree of <paramref name="path"/>; call inside a dispose scope (the storage
    /// tensors it creates are owned by that scope, the returned views are not).</summary>
    public static object? Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint {path} does not exist", path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> head = stackalloc byte[4];
        int n = fs.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        fs.Position = 0;
        if (n == 4 && head.SequenceEqual("PK\x03\x04"u8)) return ReadZip(fs, path);
        if (n >= 1 && head[0] == 0x80) return ReadLegacy(fs, path);
        if (IsTar(fs))
            throw new CheckpointFormatException(path, "tar-format checkpoints (PyTorch < 0.1.10) are not supported; re-save it with a newer PyTorch");
        throw new CheckpointFormatException(path, n == 0 ? "the file is empty" : "not a PyTorch checkpoint (neither a zip archive nor a pickle stream)");
    }

    private static object? ReadZip(FileStream fs, string path)
    {
        ZipArchive zip;
        try { zip = new ZipArchive(fs, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e) { throw new CheckpointFormatException(path, $"corrupt zip archive (truncated download?): {e.Message}", e); }
        using (zip)
        {
            var first = zip.Entries.FirstOrDefault() ?? throw new CheckpointFormatException(path, "the zip archive is empty");
            // PyTorch names the top folder after the file it first wrote (or "archive"); take the first entry's.
            var archive = first.FullName.Split('/')[0];
            var pklEntry = zip.GetEntry($"{archive}/data.pkl")
                           ?? throw new CheckpointFormatException(path, $"zip archive has no {archive}/data.pkl: not a torch.save checkpoint");
            var pkl = new MemoryStream();
            try
            {
                using (var s = pklEntry.Open()) s.CopyTo(pkl);
            }
            catch (InvalidDataException e) { throw new CheckpointFormatException(path, $"corrupt entry {pklEntry.FullName}: {e.Message}", e); }
            pkl.Position = 0;
            var host = new TorchPickleHost();
            var tree = new PickleReader(pkl, path, host).Load();

            var storages = new Dictionary<string, Tensor>();
            foreach (var (key, storage) in host.Storages)
            {
                var name = $"{archive}/data/{key}";
                var entry = zip.GetEntry(name) ?? throw new CheckpointFormatException(path, $"storage entry {name} is missing");
                long need = storage.NumEl * storage.DType.ElementSize();
                if (entry.Length < need)
                    throw new CheckpointFormatException(path, $"storage entry {name} holds {entry.Length} bytes, {storage.DType}[{storage.NumEl}] needs {need}");
                try
                {
                    using var s = entry.Open();
                    storages[key] = TensorBytes.Read(s, storage.DType, storage.NumEl, path, $"storage entry {name}");
                }
                catch (InvalidDataException e)
                {
                    throw new CheckpointFormatException(path, $"corrupt storage entry {name}: {e.Message}", e);
                }
            }
            return TensorTree.Materialize(tree, storages, path);
        }
    }

    private static object? ReadLegacy(FileStream fs, string path)
    {
        var host = new TorchPickleHost();
        var reader = new PickleReader(fs, path, host);
        var magic = reader.Load();
        if (!(magic is BigInteger m && m == LegacyMagic))
            throw new CheckpointFormatException(path, "a pickle stream, but not a PyTorch checkpoint (wrong magic number)");
        var protocol = reader.Load();
        if (protocol is not LegacyProtocol)
            throw new CheckpointFormatException(path, $"unsupported legacy protocol version {protocol}, expected {LegacyProtocol}");
        if (reader.Load() is OrderedDictionary<object, object?> sysInfo && sysInfo.TryGetValue("little_endian", out var le) && le is false)
            throw new CheckpointFormatException(path, "the checkpoint was written on a big-endian machine; this is not supported");
        var tree = reader.Load();
        var keys = reader.Load() as List<object?>
                   ?? throw new CheckpointFormatException(path, "legacy checkpoint: the storage-key list is missing");

        var storages = new Dictionary<string, Tensor>();
        Span<byte> countBytes = stackalloc byte[8];
        foreach (var k in keys)
        {
            var key = k?.ToString() ?? "";
            if (!host.Storages.TryGetValue(key, out var storage))
                throw new CheckpointFormatException(path, $"legacy checkpoint lists storage '{key}', which no tensor uses");
            if (fs.ReadAtLeast(countBytes, 8, throwOnEndOfStream: false) < 8)
                throw new CheckpointFormatException(path, $"truncated: the data of storage '{key}' is missing");
            long count = BitConverter.ToInt64(countBytes);
            if (count != storage.NumEl)
                throw new CheckpointFormatException(path, $"storage '{key}' holds {count} elements, its tensors expect {storage.NumEl}");
            storages[key] = TensorBytes.Read(fs, storage.DType, count, path, $"storage '{key}'");
        }
        return TensorTree.Materialize(tree, storages, path);
    }

    private static bool IsTar(FileStream fs)
    {
        if (fs.Length < 512) return false;
        Span<byte> magic = stackalloc byte[5];
        fs.Position = 257;
        fs.ReadExactly(magic);
        return magic.SequenceEqual("ustar"u8);
    }
}

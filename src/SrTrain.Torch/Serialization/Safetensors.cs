using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace SrTrain.Torch.Serialization;

/// <summary>The safetensors format: an 8-byte little-endian header length, a JSON header mapping
/// each name to <c>{dtype, shape, data_offsets}</c> (plus an optional <c>__metadata__</c> string map),
/// then the raw little-endian tensor bytes. Loaded tensors are CPU tensors that belong to no
/// dispose scope (the caller disposes them); shared storages are not expressible, so each tensor
/// is written as its own contiguous copy.</summary>
public static class Safetensors
{
    private const long MaxHeader = 100L << 20; // the reference implementation's limit

    private static readonly Dictionary<string, DType> DTypes = new()
    {
        ["F64"] = DType.Float64, ["F32"] = DType.Float32, ["F16"] = DType.Float16, ["BF16"] = DType.BFloat16,
        ["I64"] = DType.Int64, ["I32"] = DType.Int32, ["I16"] = DType.Int16, ["I8"] = DType.Int8,
        ["U8"] = DType.UInt8, ["BOOL"] = DType.Bool,
    };

    /// <summary>The tensors of <paramref name="path"/>, in header order.</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        using var fs = Open(path);
        var (entries, _, dataStart) = ReadHeader(fs, path);
        var result = new Dictionary<string, Tensor>(entries.Count);
        try
        {
            foreach (var e in entries)
            {
                fs.Position = dataStart + e.Begin;
                using var flat = TensorBytes.Read(fs, e.DType, e.NumEl, path, $"tensor '{e.Name}'");
                result[e.Name] = flat.Reshape(e.Shape).DetachFromDisposeScope();
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>The <c>__metadata__</c> string map of <paramref name="path"/> (empty when absent).</summary>
    public static Dictionary<string, string> ReadMetadata(string path)
    {
        using var fs = Open(path);
        return ReadHeader(fs, path).Metadata;
    }

    /// <summary>Writes <paramref name="tensors"/> (any device, any layout) and optional metadata,
    /// atomically (temporary file, then rename).</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = DTypes.ToDictionary(kv => kv.Value, kv => kv.Key);
        var header = new Dictionary<string, object>();
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var (name, t) in tensors)
        {
            if (name == "__metadata__") throw new ArgumentException($"{path}: '__metadata__' is reserved and cannot name a tensor");
            if (!names.TryGetValue(t.DType, out var dtypeName))
                throw new CheckpointFormatException(path, $"tensor '{name}' has dtype {t.DType}, which safetensors cannot hold");
            long bytes = t.NumEl * t.DType.ElementSize();
            header[name] = new { dtype = dtypeName, shape = t.Shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padded = (json.Length + 7) / 8 * 8; // keep the data 8-byte aligned, as the reference writer does

        AtomicFile.Write(path, fs =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            fs.Write(length);
            fs.Write(json);
            for (int i = json.Length; i < padded; i++) fs.WriteByte((byte)' ');
            using var scope = LibTorch.NewDisposeScope(); // frees contiguous / CPU copies
            foreach (var t in tensors.Values) TensorBytes.Write(t, fs);
        });
    }

    private sealed record Entry(string Name, DType DType, long[] Shape, long NumEl, long Begin, long End);

    private static FileStream Open(string path) =>
        File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16)
            : throw new FileNotFoundException($"safetensors file {path} does not exist", path);

    private static (List<Entry> Entries, Dictionary<string, string> Metadata, long DataStart) ReadHeader(FileStream fs, string path)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        if (fs.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
            throw new CheckpointFormatException(path, "too short for a safetensors file (no 8-byte header length)");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)Math.Min(MaxHeader, fs.Length - 8))
            throw new CheckpointFormatException(path, $"header length {headerLength} exceeds the file ({fs.Length} bytes) or the 100 MB limit: not a safetensors file, or truncated");
        var headerBytes = new byte[headerLength];
        fs.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength, dataLength = fs.Length - dataStart;

        JsonDocument doc;
        try { doc = JsonDocument.Parse(Encoding.UTF8.GetString(headerBytes).TrimEnd(' ')); }
        catch (JsonException e) { throw new CheckpointFormatException(path, $"the JSON header is invalid: {e.Message}", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointFormatException(path, "the JSON header is not an object");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                {
                    if (p.Value.ValueKind != JsonValueKind.Object)
                        throw new CheckpointFormatException(path, "__metadata__ is not an object of strings");
                    foreach (var m in p.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String
                            ? m.Value.GetString()!
                            : throw new CheckpointFormatException(path, $"__metadata__ entry '{m.Name}' is not a string");
                    continue;
                }
                entries.Add(ParseEntry(p, path, dataLength));
            }
            return (entries, metadata, dataStart);
        }
    }

    private static Entry ParseEntry(JsonProperty p, string path, long dataLength)
    {
        var name = p.Name;
        try
        {
            var dtypeName = p.Value.GetProperty("dtype").GetString() ?? "";
            if (!DTypes.TryGetValue(dtypeName, out var dtype))
                throw new CheckpointFormatException(path, $"tensor '{name}' has dtype {dtypeName}, which is not supported (supported: {string.Join(", ", DTypes.Keys)})");
            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            if (shape.Any(s => s < 0)) throw new CheckpointFormatException(path, $"tensor '{name}' has a negative dimension");
            long numel = shape.Aggregate(1L, (a, b) => checked(a * b));
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
                throw new CheckpointFormatException(path, $"tensor '{name}' has invalid data_offsets [{string.Join(", ", offsets)}]");
            if (offsets[1] > dataLength)
                throw new CheckpointFormatException(path, $"tensor '{name}' ends at byte {offsets[1]} of the data, which has only {dataLength} bytes (truncated?)");
            long need = numel * dtype.ElementSize();
            if (offsets[1] - offsets[0] != need)
                throw new CheckpointFormatException(path, $"tensor '{name}' spans {offsets[1] - offsets[0]} bytes, but {dtypeName}[{string.Join(", ", shape)}] needs {need}");
            return new Entry(name, dtype, shape, numel, offsets[0], offsets[1]);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new CheckpointFormatException(path, $"tensor '{name}' has a malformed header entry ({e.Message})", e);
        }
    }
}

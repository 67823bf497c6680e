using System.IO.Compression;
using System.Text;

namespace SrTrain.Torch.Serialization;

/// <summary>Writes <c>torch.save</c>'s zip format (version 3): <c>archive/data.pkl</c> (pickle
/// protocol 2, tensors as <c>torch._utils._rebuild_tensor_v2</c> over persistent storage ids),
/// one stored (uncompressed) <c>archive/data/&lt;key&gt;</c> entry per distinct storage, and
/// <c>archive/version</c>. Tensors that share a storage are written once and share it again
/// when Python (or <see cref="PthReader"/>) loads them.</summary>
internal static class PthWriter
{
    private sealed record Storage(string Key, Tensor Owner, DType DType, long NumEl);

    private static readonly Dictionary<DType, string> StorageTypes = new()
    {
        [DType.Float32] = "FloatStorage", [DType.Float64] = "DoubleStorage", [DType.Float16] = "HalfStorage",
        [DType.BFloat16] = "BFloat16Storage", [DType.Int64] = "LongStorage", [DType.Int32] = "IntStorage",
        [DType.Int16] = "ShortStorage", [DType.Int8] = "CharStorage", [DType.UInt8] = "ByteStorage", [DType.Bool] = "BoolStorage",
    };

    /// <summary>Call inside a dispose scope (CPU copies of GPU storages are made in it).</summary>
    public static void Write(string path, object? tree)
    {
        var storages = new Dictionary<(long Id, DType DType), Storage>();
        var pickle = new MemoryStream();
        new PickleWriter(pickle, (w, t) => WriteTensor(w, t, storages)).WriteRoot(tree);

        AtomicFile.Write(path, fs =>
        {
            using var zip = new ZipArchive(fs, ZipArchiveMode.Create, leaveOpen: true);
            Entry(zip, "archive/data.pkl", s => { pickle.Position = 0; pickle.CopyTo(s); });
            foreach (var storage in storages.Values)
                Entry(zip, $"archive/data/{storage.Key}", s =>
                    // The whole storage, from element 0: the views' offsets and strides index into it.
                    TensorBytes.Write(storage.Owner.AsStrided([storage.NumEl], [1], 0), s));
            Entry(zip, "archive/version", s => s.Write("3\n"u8));
            Entry(zip, "archive/byteorder", s => s.Write("little"u8));
        });
    }

    private static void Entry(ZipArchive zip, string name, Action<Stream> write)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        write(s);
    }

    private static void WriteTensor(PickleWriter w, Tensor t, Dictionary<(long, DType), Storage> storages)
    {
        var dtype = t.DType;
        if (!StorageTypes.TryGetValue(dtype, out var typeName))
            throw new NotSupportedException($"cannot save a {dtype} tensor");
        var (nbytes, id) = TensorBytes.StorageOf(t);
        int size = dtype.ElementSize();
        if (nbytes % size != 0)
            throw new NotSupportedException($"a {dtype} tensor views a storage of {nbytes} bytes (not a whole number of elements)");
        // Empty storages have no identity worth sharing (often a null data pointer); give each its own.
        var identity = nbytes == 0 ? (-storages.Count - 1, dtype) : (id, dtype);
        if (!storages.TryGetValue(identity, out var storage))
            storages[identity] = storage = new Storage(storages.Count.ToString(), t, dtype, nbytes / size);

        w.Global("torch._utils", "_rebuild_tensor_v2");
        w.Op('(');
        // persistent id ('storage', torch.<Type>Storage, key, location, numel)
        w.Op('(');
        w.Text("storage");
        w.Global("torch", typeName);
        w.Text(storage.Key);
        w.Text(t.Device.ToString());
        w.Int(storage.NumEl);
        w.Op('t');
        w.Op('Q');
        w.Int(t.StorageOffset);
        w.Tuple(t.Shape.Select(v => (object?)v).ToArray());
        w.Tuple(t.Strides.Select(v => (object?)v).ToArray());
        w.Write(t.RequiresGrad);
        w.EmptyOrderedDict(); // backward_hooks
        w.Op('t');
        w.Op('R');
    }
}

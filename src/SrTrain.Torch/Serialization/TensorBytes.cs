using SrTrain.Torch.Interop;

namespace SrTrain.Torch.Serialization;

/// <summary>Streams raw little-endian element bytes between files and tensor memory in 1 MiB
/// chunks: no second full-size managed copy, and no 2 GB array limit on a storage.</summary>
internal static class TensorBytes
{
    private const int Chunk = 1 << 20;

    /// <summary>A new 1-D CPU tensor of <paramref name="numel"/> elements read from <paramref name="source"/>.</summary>
    public static unsafe Tensor Read(Stream source, DType dtype, long numel, string file, string what)
    {
        EnsureLittleEndian();
        var t = Tensor.Empty([numel], dtype);
        long total = numel * dtype.ElementSize();
        var buffer = new byte[(int)Math.Min(Chunk, Math.Max(total, 1))];
        long done = 0;
        try
        {
            while (done < total)
            {
                int want = (int)Math.Min(buffer.Length, total - done);
                int got = source.ReadAtLeast(buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
                if (got < want)
                    throw new CheckpointFormatException(file, $"{what} is truncated: expected {total} bytes, found {done + got}");
                fixed (byte* p = buffer) Native.Check(Native.srt_write_bytes(t.H, p, done, want));
                done += want;
            }
        }
        catch
        {
            t.Dispose();
            throw;
        }
        return t;
    }

    /// <summary>Writes every element of <paramref name="tensor"/> in row-major order (a CPU copy is made
    /// when it is not contiguous on the CPU; call inside a dispose scope, which frees that copy).</summary>
    public static unsafe void Write(Tensor tensor, Stream destination)
    {
        EnsureLittleEndian();
        var source = tensor.Device.Type == DeviceType.Cpu && tensor.IsContiguous() ? tensor : tensor.To(Device.Cpu).Contiguous();
        long total = source.NumEl * source.DType.ElementSize();
        var buffer = new byte[(int)Math.Min(Chunk, Math.Max(total, 1))];
        for (long done = 0; done < total;)
        {
            int n = (int)Math.Min(buffer.Length, total - done);
            fixed (byte* p = buffer) Native.Check(Native.srt_read_bytes(source.H, p, done, n));
            destination.Write(buffer, 0, n);
            done += n;
        }
    }

    /// <summary>Byte size and identity of the storage under <paramref name="tensor"/>.</summary>
    public static (long NBytes, long Id) StorageOf(Tensor tensor)
    {
        Native.Check(Native.srt_storage_info(tensor.H, out var nbytes, out var id));
        return (nbytes, id);
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("checkpoint data is little-endian; big-endian hosts are not supported");
    }
}

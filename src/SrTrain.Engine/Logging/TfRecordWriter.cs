using System.Buffers.Binary;
using SrTrain.Abstractions.Checksums;

namespace SrTrain.Engine.Logging;

/// <summary>Writes TFRecord framing: <c>uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)</c>,
/// all little-endian, the container of TensorBoard event files.</summary>
internal sealed class TfRecordWriter(Stream stream)
{
    private readonly byte[] header = new byte[12];
    private readonly byte[] footer = new byte[4];

    /// <summary>Appends one record holding <paramref name="data"/>.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Crc32C.Mask(Crc32C.Compute(header.AsSpan(0, 8))));
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Mask(Crc32C.Compute(data)));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }
}

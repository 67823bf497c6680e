using System.Buffers.Binary;

namespace SrTrain.Data.Caching;

/// <summary>Size and bit depth from a PNG's IHDR chunk (the first 26 bytes), so the decode-once cache can say
/// how large it will be before decoding anything.</summary>
internal static class PngHeader
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True for a PNG whose header could be read; <paramref name="bits"/> is 16 for 16-bit PNGs, else 8
    /// (OpenCV expands 1/2/4-bit and palette images to 8 bits).</summary>
    public static bool TryRead(string path, out int height, out int width, out int bits)
    {
        (height, width, bits) = (0, 0, 0);
        Span<byte> head = stackalloc byte[26];
        using (var stream = File.OpenRead(path))
            if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length) return false;
        if (!head[..8].SequenceEqual(Signature) || !head[12..16].SequenceEqual("IHDR"u8)) return false;
        width = BinaryPrimitives.ReadInt32BigEndian(head[16..]);
        height = BinaryPrimitives.ReadInt32BigEndian(head[20..]);
        bits = head[24] == 16 ? 16 : 8;
        return width > 0 && height > 0;
    }
}

using System.Buffers.Binary;

namespace SrTrain.Data;

/// <summary>What a PNG's chunks before its image data say: size, bit depth, colour type, interlacing, and
/// whether a tRNS or eXIf chunk changes how OpenCV decodes it. Read without decoding, so the decode-once cache
/// can size itself and the loader can decode only the rows a crop needs (<see cref="LazyPngImage"/>).</summary>
internal readonly record struct PngHeader(int Height, int Width, int BitDepth, int ColorType, bool Interlaced,
                                          bool HasTransparencyKey, bool HasExif)
{
    /// <summary>Bytes read from a file's start to find the chunks before IDAT (ICC profiles may exceed it:
    /// such files are treated as if they had an eXIf chunk, i.e. decoded whole).</summary>
    public const int ProbeBytes = 64 * 1024;

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>16 for 16-bit PNGs, else 8 (OpenCV expands 1/2/4-bit and palette images to 8 bits).</summary>
    public int Bits => BitDepth == 16 ? 16 : 8;

    /// <summary>True when the stored size is the decoded size: OpenCV applies an EXIF orientation, which may
    /// swap height and width.</summary>
    public bool SizeIsDecodedSize => !HasExif;

    /// <summary>True when libpng's top-rows decoder reproduces OpenCV's RGB decode (8/16-bit gray, RGB or RGBA,
    /// not interlaced, no tRNS, no eXIf); the native side checks the same.</summary>
    public bool RowDecodable => BitDepth is 8 or 16 && ColorType is 0 or 2 or 6 && !Interlaced && !HasTransparencyKey && !HasExif;

    /// <summary>Parses the start of a PNG file (all of it, or at least its chunks up to the first IDAT).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out PngHeader header)
    {
        header = default;
        if (data.Length < 33 || !data[..8].SequenceEqual(Signature) || !data[12..16].SequenceEqual("IHDR"u8)) return false;
        int width = BinaryPrimitives.ReadInt32BigEndian(data[16..]), height = BinaryPrimitives.ReadInt32BigEndian(data[20..]);
        if (width <= 0 || height <= 0) return false;
        bool trns = false, exif = true;   // until IDAT is reached, an eXIf chunk cannot be ruled out
        for (int at = 8; data.Length - at >= 8;)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
            var type = data.Slice(at + 4, 4);
            if (type.SequenceEqual("IDAT"u8)) { exif = false; break; }
            if (type.SequenceEqual("tRNS"u8)) trns = true;
            if (type.SequenceEqual("eXIf"u8) || size > int.MaxValue - 12 - at) break;
            at += 12 + (int)size;
        }
        header = new PngHeader(height, width, data[24], data[25], data[28] != 0, trns, exif);
        return true;
    }

    /// <summary>Reads the header of the PNG at <paramref name="path"/>; false when it is not a PNG.</summary>
    public static bool TryRead(string path, out PngHeader header)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[(int)Math.Min(stream.Length, ProbeBytes)];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return TryParse(head.AsSpan(0, n), out header);
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SrTrain.Data.Checking;

/// <summary>What <c>srtrain check</c> learns about one image file: its stored size and channels, whether it decodes
/// completely, and (when read in full) a hash of its bytes for finding duplicates. Null sizes mean "not known
/// without decoding" (a non-PNG file in the cheap, header-only pass).</summary>
public sealed record ImageFacts(string Path, int? Height, int? Width, int? Channels, string? Error, string? Hash)
{
    /// <summary>Bytes read for a PNG header: signature (8) + IHDR chunk header (8) + IHDR data (13) + CRC (4).</summary>
    private const int HeaderBytes = 33;

    /// <summary>Size and channels from the PNG header only (a few dozen bytes per file, so a header pass over
    /// tens of thousands of sub-images takes seconds); other formats are left unknown.</summary>
    public static ImageFacts FromHeader(string path)
    {
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) return new ImageFacts(path, null, null, null, null, null);
        Span<byte> head = stackalloc byte[HeaderBytes];
        int n;
        try
        {
            using var stream = File.OpenRead(path);
            n = stream.ReadAtLeast(head, HeaderBytes, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ImageFacts(path, null, null, null, e.Message, null);
        }
        if (n == 0) return new ImageFacts(path, null, null, null, "the file is empty", null);
        if (!PngHeader.TryParse(head[..n], out var png)) return new ImageFacts(path, null, null, null, "not a PNG file (bad signature or IHDR)", null);
        return new ImageFacts(path, png.Height, png.Width, PngChannels(png.ColorType), null, null);
    }

    /// <summary>Reads the whole file: hashes it, checks that it ends where its format says it ends (PNG IEND,
    /// JPEG EOI: a decoder may return a truncated file's top rows without an error), and decodes it as stored.</summary>
    public static ImageFacts Decode(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ImageFacts(path, null, null, null, e.Message, null);
        }
        var hash = Convert.ToHexString(SHA256.HashData(bytes));
        if (bytes.Length == 0) return new ImageFacts(path, null, null, null, "the file is empty", hash);
        var truncated = Truncation(path, bytes);
        try
        {
            var image = ImageIO.Decode(bytes, path, ImageReadMode.Unchanged, out _);
            return new ImageFacts(path, image.Height, image.Width, image.Channels, truncated, hash);
        }
        catch (ImageReadException e)
        {
            return new ImageFacts(path, null, null, null, truncated ?? e.Message[(e.Message.IndexOf("cannot read image: ", StringComparison.Ordinal) is var i and >= 0 ? i + 19 : 0)..], hash);
        }
    }

    /// <summary>A message when a PNG or JPEG stops before its end marker.</summary>
    private static string? Truncation(string path, byte[] bytes)
    {
        var ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".png" && bytes.Length >= 8)
        {
            // Walk the chunks: the last one must be IEND and every length must fit in the file.
            for (long at = 8; ;)
            {
                if (at + 8 > bytes.Length) return $"truncated: the PNG stops inside a chunk header at byte {at} of {bytes.Length}";
                uint size = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan((int)at));
                var type = bytes.AsSpan((int)at + 4, 4);
                long end = at + 12 + size;
                if (end > bytes.Length) return $"truncated: its {System.Text.Encoding.ASCII.GetString(type)} chunk needs {end} bytes, the file has {bytes.Length}";
                if (type.SequenceEqual("IEND"u8)) return null;
                at = end;
            }
        }
        if (ext is ".jpg" or ".jpeg")
        {
            // Trailing padding after EOI is common; look for FF D9 near the end.
            var tail = bytes.AsSpan(Math.Max(0, bytes.Length - 64));
            return tail.IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) >= 0 ? null : "truncated: the JPEG has no end-of-image marker";
        }
        return null;
    }

    /// <summary>Channels OpenCV decodes a PNG colour type to when reading unchanged (palette: 3; its tRNS alpha is
    /// only seen when decoding).</summary>
    private static int PngChannels(int colorType) => colorType switch
    {
        0 => 1,
        4 => 2,
        6 => 4,
        _ => 3,
    };
}

using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SrTrain.Abstractions.Checksums;

/// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of TFRecord framing;
/// uses the CPU's CRC32 instruction (SSE4.2 / ARMv8) and a lookup table elsewhere.</summary>
public static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78u;

    // TFRecord adds this after rotating so that a CRC of data that itself holds CRCs stays well mixed.
    private const uint MaskDelta = 0xa282ead8u;

    private static readonly uint[] Table = BuildTable();

    /// <summary>True when <see cref="Compute"/> runs on a CPU CRC32 instruction rather than the table.</summary>
    public static bool IsHardwareAccelerated => Sse42.IsSupported || Crc32.IsSupported;

    /// <summary>CRC-32C of <paramref name="data"/> (initial value and final xor 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported) return ~UpdateSse42X64(~0u, data);
        if (Sse42.IsSupported) return ~UpdateSse42(~0u, data);
        if (Crc32.Arm64.IsSupported) return ~UpdateArm64(~0u, data);
        return ComputeWithTable(data);
    }

    /// <summary>CRC-32C through the portable lookup table only; gives the same value as <see cref="Compute"/>
    /// and is public so the hardware path can be checked against it.</summary>
    public static uint ComputeWithTable(ReadOnlySpan<byte> data)
    {
        var crc = ~0u;
        foreach (var b in data) crc = Table[(byte)(crc ^ b)] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>The TFRecord "masked" form of a CRC: rotate right by 15 bits, then add 0xa282ead8.</summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);

    private static uint UpdateSse42X64(uint crc, ReadOnlySpan<byte> data)
    {
        ulong c = crc;
        while (data.Length >= 8)
        {
            c = Sse42.X64.Crc32(c, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        var c32 = (uint)c;
        foreach (var b in data) c32 = Sse42.Crc32(c32, b);
        return c32;
    }

    private static uint UpdateSse42(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 4)
        {
            crc = Sse42.Crc32(crc, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[4..];
        }
        foreach (var b in data) crc = Sse42.Crc32(crc, b);
        return crc;
    }

    private static uint UpdateArm64(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = Crc32.Arm64.ComputeCrc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data) crc = Crc32.ComputeCrc32C(crc, b);
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ ReflectedPolynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }
}

using System.Text;
using SrTrain.Abstractions.Checksums;

namespace SrTrain.Abstractions.Tests.Checksums;

/// <summary>CRC-32C against published test vectors (the "check" value of the Castagnoli CRC and the iSCSI
/// vectors of RFC 3720 B.4); the hardware and table paths must agree on every length.</summary>
public class Crc32CTests
{
    public static TheoryData<byte[], uint> Vectors() => new()
    {
        { Encoding.ASCII.GetBytes("123456789"), 0xE3069283u },
        { [], 0u },
        { new byte[32], 0x8A9136AAu },
        { Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43u },
        { Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0x46DD794Eu },
        { Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(), 0x113FDB5Cu },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void MatchesPublishedVectors(byte[] data, uint expected)
    {
        Assert.Equal(expected, Crc32C.Compute(data));
        Assert.Equal(expected, Crc32C.ComputeWithTable(data));
    }

    [Fact]
    public void HardwareAndTablePathsAgreeOnEveryLengthAndOffset()
    {
        var rng = new Random(1234);
        var buffer = new byte[300];
        rng.NextBytes(buffer);
        for (var offset = 0; offset < 8; offset++)
            for (var length = 0; length + offset <= buffer.Length; length += 7)
            {
                var span = buffer.AsSpan(offset, length);
                Assert.Equal(Crc32C.ComputeWithTable(span), Crc32C.Compute(span));
            }
    }

    [Fact]
    public void MaskRotatesRightBy15AndAddsTheTfRecordDelta()
    {
        Assert.Equal(0xa282ead8u, Crc32C.Mask(0));
        Assert.Equal(0x00010000u + 0xa282ead8u, Crc32C.Mask(0x80000000u));
        Assert.Equal(0xa282ead9u, Crc32C.Mask(0x00008000u));   // bit 15 rotates to bit 0
        Assert.Equal(0xa284ead8u, Crc32C.Mask(0x00000001u));   // bit 0 rotates to bit 17
        Assert.Equal(0xa282ead7u, Crc32C.Mask(0xFFFFFFFFu));   // the addition wraps around
    }
}

using System.Buffers.Binary;
using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.Tests.Sctp;

public class Crc32cTests
{
    // RFC 3720 appendix B.4: the CRC bytes as transmitted, i.e. the CRC value little-endian.
    public static TheoryData<string, byte[], byte[]> Vectors()
    {
        var ascending = new byte[32];
        var descending = new byte[32];
        for (var i = 0; i < 32; i++) { ascending[i] = (byte)i; descending[i] = (byte)(31 - i); }
        var ones = new byte[32];
        Array.Fill(ones, (byte)0xFF);
        return new TheoryData<string, byte[], byte[]>
        {
            { "32 zeros", new byte[32], [0xAA, 0x36, 0x91, 0x8A] },
            { "32 ones", ones, [0x43, 0xAB, 0xA8, 0x62] },
            { "ascending", ascending, [0x4E, 0x79, 0xDD, 0x46] },
            { "descending", descending, [0x5C, 0xDB, 0x3F, 0x11] },
        };
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void MatchesRfc3720Vectors(string name, byte[] data, byte[] expectedWire)
    {
        Assert.NotNull(name);
        var wire = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(wire, Crc32c.Compute(data));
        Assert.Equal(expectedWire, wire);
        BinaryPrimitives.WriteUInt32LittleEndian(wire, ~Crc32c.UpdateTable(0xFFFFFFFF, data));
        Assert.Equal(expectedWire, wire);
    }

    [Fact]
    public void CheckValueOf123456789()
    {
        Assert.Equal(0xE3069283u, Crc32c.Compute("123456789"u8));
    }

    [Fact]
    public void IntrinsicAndTableAgreeOnEveryLengthAndAlignment()
    {
        var rng = new Random(7);
        var data = new byte[300];
        rng.NextBytes(data);
        for (var start = 0; start < 9; start++)
            for (var len = 0; len < data.Length - start; len += 7)
            {
                var span = data.AsSpan(start, len);
                Assert.Equal(~Crc32c.UpdateTable(0xFFFFFFFF, span), Crc32c.Compute(span));
            }
    }
}

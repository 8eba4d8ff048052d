using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class RecordHeaderTests
{
    // RFC 6347 §4.1, hand-built: application_data, DTLS 1.2, epoch 0x0102,
    // sequence_number 0x0A0B0C0D0E0F, length 0x1234.
    private const string KnownHex = "17" + "FEFD" + "0102" + "0A0B0C0D0E0F" + "1234";

    [Fact]
    public void ParsesKnownBytes()
    {
        Assert.True(DtlsRecordHeader.TryParse(Convert.FromHexString(KnownHex), out var header));
        Assert.Equal(new DtlsRecordHeader(DtlsContentType.ApplicationData, DtlsRecordHeader.Dtls12, 0x0102, 0x0A0B0C0D0E0FL, 0x1234), header);
        Assert.Equal(0x01020A0B0C0D0E0FUL, header.EpochAndSequence);
    }

    [Fact]
    public void WritesKnownBytes()
    {
        var header = new DtlsRecordHeader(DtlsContentType.ApplicationData, 0xFEFD, 0x0102, 0x0A0B0C0D0E0FL, 0x1234);
        var buffer = new byte[DtlsRecordHeader.Size];
        Assert.Equal(DtlsRecordHeader.Size, header.Write(buffer));
        Assert.Equal(KnownHex, Convert.ToHexString(buffer));
    }

    // A ClientHello as Chromium sends it first: handshake, record version DTLS 1.0 (RFC 6347 §4.1
    // lets the first flight carry 0xFEFF), epoch 0, sequence 0.
    [Fact]
    public void ParsesFirstFlightHeaderWithDtls10Version()
    {
        Assert.True(DtlsRecordHeader.TryParse(Convert.FromHexString("16FEFF000000000000000000A0"), out var header));
        Assert.Equal(DtlsContentType.Handshake, header.Type);
        Assert.Equal(DtlsRecordHeader.Dtls10, header.Version);
        Assert.Equal(0, header.Epoch);
        Assert.Equal(0L, header.SequenceNumber);
        Assert.Equal(0xA0, header.Length);
        Assert.Equal(0UL, header.EpochAndSequence);
    }

    public static TheoryData<byte, ushort, ushort, long, int> Headers() => new()
    {
        { (byte)DtlsContentType.ChangeCipherSpec, 0xFEFD, 0, 0, 1 },
        { (byte)DtlsContentType.Alert, 0xFEFD, 1, 7, 26 },
        { (byte)DtlsContentType.Handshake, 0xFEFF, 0, 2, 0 },
        { (byte)DtlsContentType.ApplicationData, 0xFEFD, ushort.MaxValue, DtlsRecordHeader.MaxSequenceNumber, ushort.MaxValue },
        { (byte)DtlsContentType.ApplicationData, 0xFEFD, 2, 1L << 32, 1200 },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void RoundTrips(byte type, ushort version, ushort epoch, long sequence, int length)
    {
        var header = new DtlsRecordHeader((DtlsContentType)type, version, epoch, sequence, length);
        var buffer = new byte[DtlsRecordHeader.Size + 3];
        Assert.Equal(DtlsRecordHeader.Size, header.Write(buffer));
        Assert.True(DtlsRecordHeader.TryParse(buffer, out var back));
        Assert.Equal(header, back);
        Assert.Equal(((ulong)epoch << 48) | (ulong)sequence, back.EpochAndSequence);
    }

    [Fact]
    public void EveryTruncationFails()
    {
        var bytes = Convert.FromHexString(KnownHex);
        for (var length = 0; length < bytes.Length; length++)
            Assert.False(DtlsRecordHeader.TryParse(bytes.AsSpan(0, length), out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(24)] // heartbeat (RFC 6520): never negotiated by us
    [InlineData(25)] // tls12_cid (RFC 9146): never negotiated by us
    [InlineData(255)]
    public void UnknownContentTypeFails(byte type)
    {
        var bytes = Convert.FromHexString(KnownHex);
        bytes[0] = type;
        Assert.False(DtlsRecordHeader.TryParse(bytes, out _));
    }

    [Fact]
    public void RejectsOutOfRangeFieldsOnWrite()
    {
        var buffer = new byte[DtlsRecordHeader.Size];
        var valid = new DtlsRecordHeader(DtlsContentType.Handshake, 0xFEFD, 0, 0, 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => (valid with { SequenceNumber = DtlsRecordHeader.MaxSequenceNumber + 1 }).Write(buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => (valid with { SequenceNumber = -1 }).Write(buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => (valid with { Length = 65536 }).Write(buffer));
        Assert.Throws<ArgumentException>(() => valid.Write(new byte[12]));
    }

    [Fact]
    public void RandomInputNeverThrows()
    {
        var random = new Random(6347);
        var buffer = new byte[20];
        for (var i = 0; i < 10_000; i++)
        {
            random.NextBytes(buffer);
            if (DtlsRecordHeader.TryParse(buffer.AsSpan(0, random.Next(buffer.Length + 1)), out var header))
            {
                var back = new byte[DtlsRecordHeader.Size];
                header.Write(back);
                Assert.Equal(buffer.AsSpan(0, DtlsRecordHeader.Size).ToArray(), back);
            }
        }
    }
}

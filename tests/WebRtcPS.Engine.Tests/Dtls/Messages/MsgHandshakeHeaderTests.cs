using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public sealed class MsgHandshakeHeaderTests
{
    [Fact]
    public void Parse_KnownBytes_ReadsEveryField()
    {
        // Certificate, length 0x000123, message_seq 2, fragment 0x10 bytes at offset 0x20 (RFC 6347 §4.2.2).
        var bytes = MsgAssert.Hex("0b 000123 0002 000020 000010");
        Assert.True(DtlsHandshakeHeader.TryParse(bytes, out var h));
        Assert.Equal(new DtlsHandshakeHeader(DtlsHandshakeType.Certificate, 0x123, 2, 0x20, 0x10), h);
        var written = new byte[DtlsHandshakeHeader.Size];
        Assert.Equal(12, h.Write(written));
        Assert.Equal(bytes, written);
    }

    [Fact]
    public void Parse_ReadsOnlyTheHeader_TheFragmentIsTheCallers()
    {
        var bytes = MsgAssert.Hex("14 00000c 0005 000000 00000c 0102");
        Assert.True(DtlsHandshakeHeader.TryParse(bytes, out var h));
        Assert.Equal((DtlsHandshakeType.Finished, 12, (ushort)5, 0, 12), (h.Type, h.Length, h.MessageSeq, h.FragmentOffset, h.FragmentLength));
    }

    [Fact]
    public void Parse_UnknownType_IsKeptAsItsByte()
    {
        Assert.True(DtlsHandshakeHeader.TryParse(MsgAssert.Hex("fe 000000 0000 000000 000000"), out var h));
        Assert.Equal((DtlsHandshakeType)0xfe, h.Type);
    }

    [Theory]
    [InlineData("01 000010 0000 000008 000009")] // offset + fragment_length = 17 > 16
    [InlineData("01 000000 0000 000000 000001")]
    [InlineData("01 000010 0000 ffffff ffffff")]
    public void Parse_FragmentPastTheMessage_Fails(string hex) =>
        Assert.False(DtlsHandshakeHeader.TryParse(MsgAssert.Hex(hex), out _));

    [Fact]
    public void Parse_EveryTruncation_Fails()
    {
        var bytes = MsgAssert.Hex("02 000040 0001 000000 000040");
        for (int n = 0; n < bytes.Length; n++)
            Assert.False(DtlsHandshakeHeader.TryParse(bytes.AsSpan(0, n), out _));
    }

    [Fact]
    public void Frame_IsAnUnfragmentedHeaderThenTheBody()
    {
        var framed = DtlsHandshakeMessage.Frame(DtlsHandshakeType.Finished, 6, MsgAssert.Hex("0102030405060708090a0b0c"));
        Assert.Equal("1400000C000600000000000C0102030405060708090A0B0C", Convert.ToHexString(framed));
        Assert.Equal("0E0000000003000000000000", Convert.ToHexString(DtlsHandshakeMessage.Frame(DtlsHandshakeType.ServerHelloDone, 3, [])));
    }

    [Theory]
    [InlineData(0, 100, "0+0")]
    [InlineData(10, 4, "0+4 4+4 8+2")]
    [InlineData(8, 4, "0+4 4+4")]
    [InlineData(3, 100, "0+3")]
    [InlineData(1, 1, "0+1")]
    public void Fragments_CoverTheBodyInOrder(int bodyLength, int max, string expected) =>
        Assert.Equal(expected, string.Join(' ', DtlsHandshakeMessage.Fragments(bodyLength, max).Select(f => $"{f.Offset}+{f.Length}")));

    [Fact]
    public void Fragments_NeedAPositiveSize()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DtlsHandshakeMessage.Fragments(10, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DtlsHandshakeMessage.Fragments(-1, 10));
    }
}

using Org.BouncyCastle.Tls;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public sealed class MsgExtensionTests
{
    [Fact]
    public void Block_KnownBytes_ParseInOrderAndRoundTrip()
    {
        // EMS (empty), renegotiation_info (initial), an unknown type 0x1234 with 2 bytes; then trailing bytes that are not the block's.
        var bytes = MsgAssert.Hex("000f 0017 0000  ff01 0001 00  1234 0002 abcd  99 99");
        Assert.True(TlsExtensionBlock.TryParse(bytes, out var extensions, out var consumed));
        Assert.Equal(bytes.Length - 2, consumed);
        Assert.Equal([TlsExtensionType.ExtendedMasterSecret, TlsExtensionType.RenegotiationInfo, (ushort)0x1234], extensions.Select(e => e.Type));
        Assert.Equal("ABCD", Convert.ToHexString(extensions[2].Data));
        Assert.Equal(consumed, TlsExtensionBlock.EncodedLength(extensions));
        var written = new byte[consumed];
        Assert.Equal(consumed, TlsExtensionBlock.Write(extensions, written));
        Assert.Equal(bytes.AsSpan(0, consumed).ToArray(), written);
        Assert.True(TlsExtensionBlock.TryGet(extensions, TlsExtensionType.RenegotiationInfo, out var reneg));
        Assert.Equal([0], reneg);
        Assert.False(TlsExtensionBlock.TryGet(extensions, TlsExtensionType.UseSrtp, out _));
    }

    [Fact]
    public void Block_AbsentOrEmpty_IsAnEmptyList_WrittenAsNothing()
    {
        Assert.True(TlsExtensionBlock.TryParse([], out var none, out var consumed));
        Assert.Empty(none);
        Assert.Equal(0, consumed);
        Assert.True(TlsExtensionBlock.TryParse(MsgAssert.Hex("0000"), out var empty, out consumed));
        Assert.Empty(empty);
        Assert.Equal(2, consumed);
        Assert.Equal(0, TlsExtensionBlock.EncodedLength([]));
        Assert.Equal(0, TlsExtensionBlock.Write([], new byte[4]));
    }

    [Theory]
    [InlineData("00")]                             // half a length
    [InlineData("0005 0017 0000")]                 // block longer than the data
    [InlineData("0003 0017 00")]                   // extension header cut
    [InlineData("0005 0017 0001")]                 // extension data missing
    [InlineData("0006 0017 0001 00")]              // extension data cut by the block
    [InlineData("0008 0017 0000 0017 0000")]       // duplicate type (RFC 5246 §7.4.1.4)
    public void Block_Malformed_Fails(string hex) =>
        Assert.False(TlsExtensionBlock.TryParse(MsgAssert.Hex(hex), out _, out _));

    [Fact]
    public void UseSrtp_Rfc5764Example()
    {
        // RFC 5764 §4.1.1: "0x00 0x0e 0x00 0x05 0x00 0x02 0x00 0x01 0x00" (SRTP_AES128_CM_HMAC_SHA1_80, no MKI).
        var extension = UseSrtpExtension.ToExtension([1], []);
        var block = new byte[TlsExtensionBlock.EncodedLength([extension])];
        TlsExtensionBlock.Write([extension], block);
        Assert.Equal("0009000E00050002000100", Convert.ToHexString(block));
        Assert.True(UseSrtpExtension.TryParse(extension.Data, out var profiles, out var mki));
        Assert.Equal([(ushort)1], profiles);
        Assert.Empty(mki);
    }

    [Fact]
    public void UseSrtp_WithMki_RoundTrips_AndMatchesBouncyCastle()
    {
        var data = UseSrtpExtension.Encode([7, 1], [0xaa, 0xbb]);
        Assert.Equal("00040007000102AABB", Convert.ToHexString(data));
        Assert.Equal(TlsSrtpUtilities.CreateUseSrtpExtension(new UseSrtpData([7, 1], [0xaa, 0xbb])), data);
        Assert.True(UseSrtpExtension.TryParse(data, out var profiles, out var mki));
        Assert.Equal([(ushort)7, 1], profiles);
        Assert.Equal([0xaa, 0xbb], mki);
    }

    [Fact]
    public void SupportedGroups_KnownBytes_AndBouncyCastle()
    {
        var data = SupportedGroupsExtension.Encode([23, 24]);
        Assert.Equal("000400170018", Convert.ToHexString(data));
        Assert.Equal(TlsExtensionsUtilities.CreateSupportedGroupsExtension([23, 24]), data);
        Assert.True(SupportedGroupsExtension.TryParse(data, out var groups));
        Assert.Equal([(ushort)23, 24], groups);
        Assert.Equal(TlsExtensionType.SupportedGroups, SupportedGroupsExtension.ToExtension([29]).Type);
    }

    [Fact]
    public void SignatureAlgorithms_KnownBytes_AndBouncyCastle()
    {
        var data = SignatureAlgorithmsExtension.Encode([0x0403, 0x0401]);
        Assert.Equal("000404030401", Convert.ToHexString(data));
        var bc = TlsExtensionsUtilities.CreateSignatureAlgorithmsExtension(
            [SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
             SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa)]);
        Assert.Equal(bc, data);
        Assert.True(SignatureAlgorithmsExtension.TryParse(data, out var schemes));
        Assert.Equal([(ushort)0x0403, 0x0401], schemes);
    }

    [Fact]
    public void EcPointFormats_Uncompressed()
    {
        var data = EcPointFormatsExtension.Encode([EcPointFormatsExtension.Uncompressed]);
        Assert.Equal("0100", Convert.ToHexString(data));
        Assert.True(EcPointFormatsExtension.TryParse(data, out var formats));
        Assert.Equal([0], formats);
    }

    [Fact]
    public void RenegotiationInfo_Initial_IsTheSingleByteZero()
    {
        // RFC 5746 §3.2: an initial handshake sends an empty renegotiated_connection.
        Assert.Equal([0], RenegotiationInfoExtension.Initial);
        Assert.Equal([0], RenegotiationInfoExtension.Encode([]));
        Assert.True(RenegotiationInfoExtension.TryParse([0], out var connection));
        Assert.Empty(connection);
        Assert.True(RenegotiationInfoExtension.TryParse(MsgAssert.Hex("03 010203"), out connection));
        Assert.Equal([1, 2, 3], connection);
        Assert.Equal("FF01", RenegotiationInfoExtension.ToExtension([]).Type.ToString("X4"));
    }

    [Theory]
    [InlineData("groups", "")]
    [InlineData("groups", "0000")]        // <2..2^16-1>: at least one
    [InlineData("groups", "0003001700")]  // odd
    [InlineData("groups", "00020017 00")] // trailing
    [InlineData("groups", "0004 0017")]   // short
    [InlineData("sigalgs", "0000")]
    [InlineData("sigalgs", "000104")]
    [InlineData("formats", "00")]          // <1..2^8-1>
    [InlineData("formats", "0200")]
    [InlineData("formats", "0100 00")]
    [InlineData("srtp", "0000 00")]        // no profile
    [InlineData("srtp", "0002 0001")]      // no mki length
    [InlineData("srtp", "0002 0001 01")]   // mki cut
    [InlineData("srtp", "0002 0001 00 00")]
    [InlineData("reneg", "")]
    [InlineData("reneg", "01")]
    [InlineData("reneg", "00 00")]
    public void TypedExtensions_Malformed_Fail(string kind, string hex)
    {
        var data = MsgAssert.Hex(hex);
        bool parsed = kind switch
        {
            "groups" => SupportedGroupsExtension.TryParse(data, out _),
            "sigalgs" => SignatureAlgorithmsExtension.TryParse(data, out _),
            "formats" => EcPointFormatsExtension.TryParse(data, out _),
            "srtp" => UseSrtpExtension.TryParse(data, out _, out _),
            _ => RenegotiationInfoExtension.TryParse(data, out _),
        };
        Assert.False(parsed);
    }
}

using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public sealed class MsgClientHelloTests
{
    /// <summary>A Chromium-like first ClientHello (BoringSSL's WebRTC offer), written out field by
    /// field from RFC 6347 §4.2.1 / RFC 5246 §7.4.1.2: no session id, no cookie yet.</summary>
    internal static readonly byte[] ChromiumLike = MsgAssert.Hex(
        "fefd" +                                                                      // client_version DTLS 1.2
        "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" +          // random
        "00" +                                                                        // session_id<0..32>
        "00" +                                                                        // cookie<0..2^8-1>
        "0016 c02b c02f cca9 cca8 c009 c013 c00a c014 009c 002f 0035" +              // cipher_suites
        "01 00" +                                                                     // compression_methods: null
        "0044" +                                                                      // extensions: 68 bytes
        "0017 0000" +                                                                 // extended_master_secret
        "ff01 0001 00" +                                                              // renegotiation_info, initial
        "000a 0008 0006 001d 0017 0018" +                                             // supported_groups x25519, P-256, P-384
        "000b 0002 0100" +                                                            // ec_point_formats uncompressed
        "0023 0000" +                                                                 // session_ticket (unknown here, kept)
        "000d 0012 0010 0403 0804 0401 0503 0805 0501 0806 0601" +                    // signature_algorithms
        "000e 000b 0008 0007 0008 0001 0002 00");                                     // use_srtp, 4 profiles, no MKI

    private static ClientHelloMessage RoundTrip(byte[] body) =>
        MsgAssert.RoundTrip<ClientHelloMessage>(body, ClientHelloMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));

    [Fact]
    public void ChromiumLike_ParsesEveryField_AndRoundTrips()
    {
        var hello = RoundTrip(ChromiumLike);
        Assert.Equal(0xfefd, hello.Version);
        Assert.Equal(0xa0, hello.Random[0]);
        Assert.Equal(32, hello.Random.Length);
        Assert.Empty(hello.SessionId);
        Assert.Empty(hello.Cookie);
        Assert.Equal([(ushort)0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc009, 0xc013, 0xc00a, 0xc014, 0x009c, 0x002f, 0x0035], hello.CipherSuites);
        Assert.Equal([0], hello.CompressionMethods);
        Assert.Equal([(ushort)23, 0xff01, 10, 11, 35, 13, 14], hello.Extensions.Select(e => e.Type));
        Assert.True(TlsExtensionBlock.TryGet(hello.Extensions, TlsExtensionType.SupportedGroups, out var groupsData));
        Assert.True(SupportedGroupsExtension.TryParse(groupsData, out var groups));
        Assert.Equal([(ushort)29, 23, 24], groups);
        Assert.True(TlsExtensionBlock.TryGet(hello.Extensions, TlsExtensionType.UseSrtp, out var srtpData));
        Assert.True(UseSrtpExtension.TryParse(srtpData, out var profiles, out var mki));
        Assert.Equal([(ushort)7, 8, 1, 2], profiles);
        Assert.Empty(mki);
        Assert.True(TlsExtensionBlock.TryGet(hello.Extensions, TlsExtensionType.SignatureAlgorithms, out var sigData));
        Assert.True(SignatureAlgorithmsExtension.TryParse(sigData, out var schemes));
        Assert.Equal(8, schemes.Length);
        Assert.Equal(0x0403, schemes[0]);
    }

    [Fact]
    public void ChromiumLike_EveryTruncationAndATrailingByte_Fail() =>
        MsgAssert.TruncationsAndTrailingFail<ClientHelloMessage>(ChromiumLike, ClientHelloMessage.TryParse, validPrefix: 62);

    [Fact]
    public void BouncyCastleFirstDatagram_IsOneRecordOfOneClientHello_ThatRoundTrips()
    {
        var datagram = MsgBouncyCastleCapture.Instance.FirstClientDatagram;
        Assert.Equal(22, datagram[0]); // handshake record (RFC 6347 §4.1)
        var fragment = datagram.AsSpan(13);
        Assert.True(DtlsHandshakeHeader.TryParse(fragment, out var header));
        Assert.Equal(DtlsHandshakeType.ClientHello, header.Type);
        Assert.Equal((0, header.Length), (header.FragmentOffset, header.FragmentLength));
        Assert.Equal(fragment.Length, DtlsHandshakeHeader.Size + header.Length);
        var body = fragment[DtlsHandshakeHeader.Size..].ToArray();

        var hello = RoundTrip(body);
        Assert.Equal(0xfefd, hello.Version);
        Assert.Empty(hello.Cookie);
        Assert.Equal([(ushort)0xc02b, 0xc02c, 0xc02f, 0xc030], hello.CipherSuites.Where(s => s != 0x00ff)); // 0x00ff: the renegotiation SCSV
        Assert.True(TlsExtensionBlock.TryGet(hello.Extensions, TlsExtensionType.UseSrtp, out var srtp));
        Assert.True(UseSrtpExtension.TryParse(srtp, out var profiles, out _));
        Assert.Equal([(ushort)7, 1], profiles);
        Assert.True(TlsExtensionBlock.TryGet(hello.Extensions, TlsExtensionType.SupportedGroups, out var groupsData));
        Assert.True(SupportedGroupsExtension.TryParse(groupsData, out var groups));
        Assert.Equal([(ushort)23, 29, 24], groups);
        Assert.True(TlsExtensionBlock.TryGet(hello.Extensions, TlsExtensionType.ExtendedMasterSecret, out var ems));
        Assert.Empty(ems);
        MsgAssert.TruncationsAndTrailingFail<ClientHelloMessage>(body, ClientHelloMessage.TryParse, validPrefix: body.Length - TlsExtensionBlock.EncodedLength(hello.Extensions));
    }

    [Fact]
    public void BouncyCastleSecondClientHello_CarriesTheHelloVerifyRequestCookie()
    {
        var capture = MsgBouncyCastleCapture.Instance;
        Assert.True(HelloVerifyRequestMessage.TryParse(capture.Body(DtlsHandshakeType.HelloVerifyRequest, fromClient: false), out var hvr));
        var second = RoundTrip(capture.Body(DtlsHandshakeType.ClientHello, fromClient: true, occurrence: 1));
        Assert.NotEmpty(hvr.Cookie);
        Assert.Equal(hvr.Cookie, second.Cookie);
        var first = RoundTrip(capture.Body(DtlsHandshakeType.ClientHello, fromClient: true));
        Assert.Equal(first.Random, second.Random); // RFC 6347 §4.2.1: the same hello, now with the cookie
    }

    [Fact]
    public void WithoutExtensions_ParsesToAnEmptyList_AndIsWrittenWithoutABlock()
    {
        var bare = new ClientHelloMessage(0xfefd, new byte[32], [1, 2], [9], [0xc02b], [0], []);
        var body = bare.Encode();
        Assert.Equal(2 + 32 + 3 + 2 + 4 + 2, body.Length);
        var parsed = RoundTrip(body);
        Assert.Empty(parsed.Extensions);
        Assert.Equal([1, 2], parsed.SessionId);
        Assert.Equal([9], parsed.Cookie);
        // An explicit empty block (extensions_length 0) is accepted too, and reads the same.
        Assert.True(ClientHelloMessage.TryParse([.. body, 0, 0], out var explicitEmpty));
        Assert.Empty(explicitEmpty.Extensions);
    }

    /// <summary>A bare hello from its vectors, lengths included, as hex.</summary>
    private static byte[] Hello(string sessionId, string cookie, string suites, string compression) =>
        MsgAssert.Hex("fefd" + new string('0', 64) + sessionId + cookie + suites + compression);

    [Fact]
    public void LongestSessionIdAndCookie_Parse() =>
        Assert.True(ClientHelloMessage.TryParse(Hello("20" + new string('1', 64), "ff" + new string('2', 510), "0002c02b", "0100"), out _));

    [Theory]
    [InlineData("21" + "000000000000000000000000000000000000000000000000000000000000000000", "00", "0002c02b", "0100")] // session_id of 33
    [InlineData("00", "00", "0000", "0100")]     // empty cipher_suites (<2..2^16-2>)
    [InlineData("00", "00", "0003c02b00", "0100")] // odd cipher_suites
    [InlineData("00", "00", "0002c02b", "00")]   // empty compression_methods (<1..2^8-1>)
    [InlineData("00", "00", "0002c02b", "0100 00")] // one byte where a block's 2-byte length belongs
    [InlineData("00", "00", "0002c02b", "0100 0001 00")] // extensions_length past the end
    public void MalformedField_Fails(string sessionId, string cookie, string suites, string compression) =>
        Assert.False(ClientHelloMessage.TryParse(Hello(sessionId, cookie, suites, compression), out _));

    [Fact]
    public void DuplicateExtension_Fails()
    {
        var hello = new ClientHelloMessage(0xfefd, new byte[32], [], [], [0xc02b], [0],
            [new TlsExtension(TlsExtensionType.ExtendedMasterSecret, []), new TlsExtension(TlsExtensionType.ExtendedMasterSecret, [])]);
        Assert.False(ClientHelloMessage.TryParse(hello.Encode(), out _));
    }

    [Fact]
    public void Write_RefusesWhatCannotBeEncoded()
    {
        Assert.Throws<InvalidOperationException>(() => new ClientHelloMessage(0xfefd, new byte[31], [], [], [0xc02b], [0], []).Encode());
        Assert.Throws<InvalidOperationException>(() => new ClientHelloMessage(0xfefd, new byte[32], new byte[33], [], [0xc02b], [0], []).Encode());
        Assert.Throws<InvalidOperationException>(() => new ClientHelloMessage(0xfefd, new byte[32], [], [], [], [0], []).Encode());
        Assert.Throws<ArgumentException>(() => new ClientHelloMessage(0xfefd, new byte[32], [], new byte[256], [0xc02b], [0], []).Encode());
    }
}

using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Hand-written encodings of each message (RFC structures), and the malformed shapes
/// each must refuse.</summary>
public sealed class MsgMessageVectorTests
{
    [Fact]
    public void HelloVerifyRequest_KnownBytes()
    {
        var body = MsgAssert.Hex("feff 04 01020304"); // RFC 6347 §4.2.1 lets server_version be DTLS 1.0
        var hvr = MsgAssert.RoundTrip<HelloVerifyRequestMessage>(body, HelloVerifyRequestMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal(0xfeff, hvr.Version);
        Assert.Equal([1, 2, 3, 4], hvr.Cookie);
        Assert.True(HelloVerifyRequestMessage.TryParse(MsgAssert.Hex("fefd 00"), out var empty));
        Assert.Empty(empty.Cookie);
        Assert.True(HelloVerifyRequestMessage.TryParse(MsgAssert.Hex("fefd ff" + new string('a', 510)), out var longest));
        Assert.Equal(255, longest.Cookie.Length);
    }

    [Fact]
    public void ServerHello_WithoutExtensions_KnownBytes()
    {
        var body = MsgAssert.Hex("fefd" + new string('7', 64) + "02 abcd c030 00");
        var hello = MsgAssert.RoundTrip<ServerHelloMessage>(body, ServerHelloMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal([0xab, 0xcd], hello.SessionId);
        Assert.Equal(0xc030, hello.CipherSuite);
        Assert.Empty(hello.Extensions);
        MsgAssert.TruncationsAndTrailingFail<ServerHelloMessage>(body, ServerHelloMessage.TryParse, validPrefix: body.Length);
        Assert.False(ServerHelloMessage.TryParse(MsgAssert.Hex("fefd" + new string('7', 64) + "21" + new string('0', 66) + "c030 00"), out _));
    }

    [Fact]
    public void Certificate_EmptyList_AndEntries()
    {
        Assert.True(CertificateMessage.TryParse(MsgAssert.Hex("000000"), out var none));
        Assert.Empty(none.Certificates);
        var body = MsgAssert.Hex("00000b 000002 3001 000003 300102");
        var message = MsgAssert.RoundTrip<CertificateMessage>(body, CertificateMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal(2, message.Certificates.Count);
        Assert.Equal([0x30, 0x01, 0x02], message.Certificates[1]);
        MsgAssert.TruncationsAndTrailingFail<CertificateMessage>(body, CertificateMessage.TryParse);
    }

    [Theory]
    [InlineData("000003 000000")]          // an empty ASN.1Cert (<1..2^24-1>)
    [InlineData("000004 000002 30")]       // entry past the list
    [InlineData("000006 000002 3001 00")]  // leftover inside the list
    [InlineData("000006 000002 3001")]     // list past the body
    public void Certificate_Malformed_Fails(string hex) =>
        Assert.False(CertificateMessage.TryParse(MsgAssert.Hex(hex), out _));

    [Fact]
    public void ServerKeyExchange_KnownBytes()
    {
        var body = MsgAssert.Hex("03 0018 03 040506 0403 0002 3000");
        var ske = MsgAssert.RoundTrip<ServerKeyExchangeMessage>(body, ServerKeyExchangeMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal(24, ske.NamedGroup);
        Assert.Equal([4, 5, 6], ske.PublicKey);
        Assert.Equal("03001803040506", Convert.ToHexString(ServerKeyExchangeMessage.SignedParams(24, [4, 5, 6])));
        MsgAssert.TruncationsAndTrailingFail<ServerKeyExchangeMessage>(body, ServerKeyExchangeMessage.TryParse);
    }

    [Theory]
    [InlineData("01 0018 03 040506 0403 0000")] // explicit_prime curve: not accepted (RFC 8422 §5.4)
    [InlineData("03 0018 00 0403 0000")]        // empty ECPoint (<1..2^8-1>)
    [InlineData("03 0018 01 04 0403 0001")]     // signature past the body
    public void ServerKeyExchange_Malformed_Fails(string hex) =>
        Assert.False(ServerKeyExchangeMessage.TryParse(MsgAssert.Hex(hex), out _));

    [Fact]
    public void CertificateRequest_KnownBytes_WithAuthorities()
    {
        var body = MsgAssert.Hex("02 40 01  0004 0403 0401  0007 0002 3000 0001 31");
        var request = MsgAssert.RoundTrip<CertificateRequestMessage>(body, CertificateRequestMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal([64, 1], request.CertificateTypes);
        Assert.Equal([(ushort)0x0403, 0x0401], request.SignatureSchemes);
        Assert.Equal(2, request.Authorities.Count);
        MsgAssert.TruncationsAndTrailingFail<CertificateRequestMessage>(body, CertificateRequestMessage.TryParse);
    }

    [Theory]
    [InlineData("00 0002 0403 0000")]       // no certificate type
    [InlineData("01 40 0000 0000")]         // no signature scheme
    [InlineData("01 40 0003 040304 0000")]  // odd scheme list
    [InlineData("01 40 0002 0403 0002 0000")] // an empty DistinguishedName
    [InlineData("01 40 0002 0403 0003 0002 30")] // name past the list
    public void CertificateRequest_Malformed_Fails(string hex) =>
        Assert.False(CertificateRequestMessage.TryParse(MsgAssert.Hex(hex), out _));

    [Fact]
    public void ClientKeyExchange_KnownBytes()
    {
        var body = MsgAssert.Hex("03 040102");
        var cke = MsgAssert.RoundTrip<ClientKeyExchangeMessage>(body, ClientKeyExchangeMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal([4, 1, 2], cke.PublicKey);
        Assert.False(ClientKeyExchangeMessage.TryParse(MsgAssert.Hex("00"), out _)); // ECPoint <1..2^8-1>
        MsgAssert.TruncationsAndTrailingFail<ClientKeyExchangeMessage>(body, ClientKeyExchangeMessage.TryParse);
        Assert.Throws<InvalidOperationException>(() => new ClientKeyExchangeMessage([]).Encode());
    }

    [Fact]
    public void CertificateVerify_KnownBytes()
    {
        var body = MsgAssert.Hex("0403 0003 300102");
        var verify = MsgAssert.RoundTrip<CertificateVerifyMessage>(body, CertificateVerifyMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal(0x0403, verify.SignatureScheme);
        MsgAssert.TruncationsAndTrailingFail<CertificateVerifyMessage>(body, CertificateVerifyMessage.TryParse);
    }

    [Fact]
    public void Finished_IsTheWholeBody()
    {
        var body = MsgAssert.Hex("000102030405060708090a0b");
        var finished = MsgAssert.RoundTrip<FinishedMessage>(body, FinishedMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal(body, finished.VerifyData);
        Assert.False(FinishedMessage.TryParse([], out _));
    }

    [Fact]
    public void ServerHelloDone_OnlyEmpty()
    {
        Assert.True(ServerHelloDoneMessage.TryParse([]));
        Assert.False(ServerHelloDoneMessage.TryParse([0]));
        Assert.Empty(ServerHelloDoneMessage.Encode());
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Every message of a BouncyCastle DTLS 1.2 handshake (MsgBouncyCastleCapture) parses,
/// re-encodes byte for byte, rejects each truncation, and means what BC meant: the signatures
/// check against our SignedParams and Frame-built transcript.</summary>
public sealed class MsgBouncyCastleFlightTests
{
    private static MsgBouncyCastleCapture Capture => MsgBouncyCastleCapture.Instance;

    [Fact]
    public void Flights_HaveTheExpectedMessagesInOrder()
    {
        Assert.Equal(
            [DtlsHandshakeType.ClientHello, DtlsHandshakeType.ClientHello, DtlsHandshakeType.Certificate,
             DtlsHandshakeType.ClientKeyExchange, DtlsHandshakeType.CertificateVerify],
            Capture.FromClient.Select(m => m.Type));
        Assert.Equal(
            [DtlsHandshakeType.HelloVerifyRequest, DtlsHandshakeType.ServerHello, DtlsHandshakeType.Certificate,
             DtlsHandshakeType.ServerKeyExchange, DtlsHandshakeType.CertificateRequest, DtlsHandshakeType.ServerHelloDone],
            Capture.FromServer.Select(m => m.Type));
    }

    [Fact]
    public void HelloVerifyRequest_RoundTrips()
    {
        var body = Capture.Body(DtlsHandshakeType.HelloVerifyRequest, fromClient: false);
        var hvr = MsgAssert.RoundTrip<HelloVerifyRequestMessage>(body, HelloVerifyRequestMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Contains(hvr.Version, new ushort[] { 0xfefd, 0xfeff });
        MsgAssert.TruncationsAndTrailingFail<HelloVerifyRequestMessage>(body, HelloVerifyRequestMessage.TryParse);
    }

    [Fact]
    public void ServerHello_RoundTrips_AndAnswersOurOffer()
    {
        var body = Capture.Body(DtlsHandshakeType.ServerHello, fromClient: false);
        var hello = MsgAssert.RoundTrip<ServerHelloMessage>(body, ServerHelloMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal(0xfefd, hello.Version);
        Assert.Equal(0xc02b, hello.CipherSuite);
        Assert.Equal(0, hello.CompressionMethod);
        Assert.True(TlsExtensionBlock.TryGet(hello.Extensions, TlsExtensionType.UseSrtp, out var srtp));
        Assert.True(UseSrtpExtension.TryParse(srtp, out var profiles, out _));
        Assert.Equal([(ushort)7], profiles);
        Assert.True(TlsExtensionBlock.TryGet(hello.Extensions, TlsExtensionType.ExtendedMasterSecret, out _));
        Assert.True(TlsExtensionBlock.TryGet(hello.Extensions, TlsExtensionType.RenegotiationInfo, out var reneg));
        Assert.Equal(RenegotiationInfoExtension.Initial, reneg);
        MsgAssert.TruncationsAndTrailingFail<ServerHelloMessage>(body, ServerHelloMessage.TryParse, validPrefix: body.Length - TlsExtensionBlock.EncodedLength(hello.Extensions));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Certificate_RoundTrips_AndCarriesThePeersDer(bool fromClient)
    {
        var body = Capture.Body(DtlsHandshakeType.Certificate, fromClient);
        var message = MsgAssert.RoundTrip<CertificateMessage>(body, CertificateMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        var expected = fromClient ? DtlsTestPeers.ClientCertificate : DtlsTestPeers.ServerCertificate;
        Assert.Equal(expected.RawData.ToArray(), Assert.Single(message.Certificates));
        MsgAssert.TruncationsAndTrailingFail<CertificateMessage>(body, CertificateMessage.TryParse);
    }

    [Fact]
    public void ServerKeyExchange_RoundTrips_AndItsSignatureCoversSignedParams()
    {
        var body = Capture.Body(DtlsHandshakeType.ServerKeyExchange, fromClient: false);
        var ske = MsgAssert.RoundTrip<ServerKeyExchangeMessage>(body, ServerKeyExchangeMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal(23, ske.NamedGroup);
        Assert.Equal(65, ske.PublicKey.Length);
        Assert.Equal(4, ske.PublicKey[0]);
        Assert.Equal(0x0403, ske.SignatureScheme);
        Assert.Equal(body.AsSpan(0, 4 + 65).ToArray(), ServerKeyExchangeMessage.SignedParams(ske.NamedGroup, ske.PublicKey));

        // RFC 8422 §5.4: signed over client_random | server_random | ServerECDHParams.
        Assert.True(ClientHelloMessage.TryParse(Capture.Body(DtlsHandshakeType.ClientHello, fromClient: true, occurrence: 1), out var clientHello));
        Assert.True(ServerHelloMessage.TryParse(Capture.Body(DtlsHandshakeType.ServerHello, fromClient: false), out var serverHello));
        byte[] signed = [.. clientHello.Random, .. serverHello.Random, .. ServerKeyExchangeMessage.SignedParams(ske.NamedGroup, ske.PublicKey)];
        using var cert = X509CertificateLoader.LoadCertificate(DtlsTestPeers.ServerCertificate.RawData.Span);
        using var key = cert.GetECDsaPublicKey()!;
        Assert.True(key.VerifyData(signed, ske.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        MsgAssert.TruncationsAndTrailingFail<ServerKeyExchangeMessage>(body, ServerKeyExchangeMessage.TryParse);
    }

    [Fact]
    public void CertificateRequest_RoundTrips()
    {
        var body = Capture.Body(DtlsHandshakeType.CertificateRequest, fromClient: false);
        var request = MsgAssert.RoundTrip<CertificateRequestMessage>(body, CertificateRequestMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal([64, 1], request.CertificateTypes); // ecdsa_sign, rsa_sign (WebRtcDtlsServer)
        Assert.Contains((ushort)0x0403, request.SignatureSchemes);
        Assert.Empty(request.Authorities);
        MsgAssert.TruncationsAndTrailingFail<CertificateRequestMessage>(body, CertificateRequestMessage.TryParse);
    }

    [Fact]
    public void ServerHelloDone_IsEmpty() =>
        Assert.True(ServerHelloDoneMessage.TryParse(Capture.Body(DtlsHandshakeType.ServerHelloDone, fromClient: false)));

    [Fact]
    public void ClientKeyExchange_RoundTrips()
    {
        var body = Capture.Body(DtlsHandshakeType.ClientKeyExchange, fromClient: true);
        var cke = MsgAssert.RoundTrip<ClientKeyExchangeMessage>(body, ClientKeyExchangeMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal(65, cke.PublicKey.Length);
        Assert.Equal(4, cke.PublicKey[0]);
        MsgAssert.TruncationsAndTrailingFail<ClientKeyExchangeMessage>(body, ClientKeyExchangeMessage.TryParse);
    }

    [Fact]
    public void CertificateVerify_RoundTrips_AndSignsTheFramedTranscript()
    {
        var body = Capture.Body(DtlsHandshakeType.CertificateVerify, fromClient: true);
        var verify = MsgAssert.RoundTrip<CertificateVerifyMessage>(body, CertificateVerifyMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
        Assert.Equal(0x0403, verify.SignatureScheme);

        // RFC 6347 §4.2.6: the transcript is every message as if unfragmented, from the ClientHello
        // that carried the cookie (the first one and the HelloVerifyRequest are left out) up to here.
        var messages = Capture.FromClient.Where(m => m.Type == DtlsHandshakeType.ClientHello && m.Seq == 1)
            .Concat(Capture.FromServer.Where(m => m.Type != DtlsHandshakeType.HelloVerifyRequest))
            .Concat(Capture.FromClient.Where(m => m.Type is DtlsHandshakeType.Certificate or DtlsHandshakeType.ClientKeyExchange));
        var transcript = messages.SelectMany(m => DtlsHandshakeMessage.Frame(m.Type, m.Seq, m.Body)).ToArray();
        using var cert = X509CertificateLoader.LoadCertificate(DtlsTestPeers.ClientCertificate.RawData.Span);
        using var key = cert.GetECDsaPublicKey()!;
        Assert.True(key.VerifyData(transcript, verify.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        MsgAssert.TruncationsAndTrailingFail<CertificateVerifyMessage>(body, CertificateVerifyMessage.TryParse);
    }

    [Fact]
    public void Finished_RoundTrips_AndTheEncryptedRecordsHoldTwelveBytes()
    {
        foreach (var verifyData in new[] { Capture.ClientVerifyData, Capture.ServerVerifyData })
        {
            Assert.Equal(FinishedMessage.VerifyDataLength, verifyData.Length);
            var finished = MsgAssert.RoundTrip<FinishedMessage>(verifyData, FinishedMessage.TryParse, m => m.Encode(), m => m.EncodedLength, (m, d) => m.Write(d));
            Assert.Equal(verifyData, finished.VerifyData);
        }
        // AES-GCM record (RFC 5288 §3): 8-byte explicit nonce | 12 header + 12 verify_data | 16-byte tag.
        Assert.Equal(13 + 8 + 24 + 16, Assert.Single(Capture.EncryptedClientRecords).Length);
        Assert.Equal(13 + 8 + 24 + 16, Assert.Single(Capture.EncryptedServerRecords).Length);
        Assert.False(FinishedMessage.TryParse([], out _));
    }
}

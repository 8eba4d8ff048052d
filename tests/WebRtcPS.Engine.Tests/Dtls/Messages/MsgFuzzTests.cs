using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Random bytes and mutations of real messages (the fuzz smoke's generator, FuzzInputs):
/// every TryParse returns and never throws; what it accepts re-encodes to something it accepts.</summary>
public sealed class MsgFuzzTests
{
    private static MsgBouncyCastleCapture Capture => MsgBouncyCastleCapture.Instance;

    private static List<byte[]> Seeds(DtlsHandshakeType type, params byte[][] more) =>
        [.. Capture.FromClient.Concat(Capture.FromServer).Where(m => m.Type == type).Select(m => m.Body), .. more];

    [Fact]
    public void ClientHello() => MsgAssert.NeverThrows<ClientHelloMessage>(
        Seeds(DtlsHandshakeType.ClientHello, MsgClientHelloTests.ChromiumLike), ClientHelloMessage.TryParse, m => m.Encode());

    [Fact]
    public void ServerHello() => MsgAssert.NeverThrows<ServerHelloMessage>(
        Seeds(DtlsHandshakeType.ServerHello), ServerHelloMessage.TryParse, m => m.Encode());

    [Fact]
    public void HelloVerifyRequest() => MsgAssert.NeverThrows<HelloVerifyRequestMessage>(
        Seeds(DtlsHandshakeType.HelloVerifyRequest), HelloVerifyRequestMessage.TryParse, m => m.Encode());

    [Fact]
    public void Certificate() => MsgAssert.NeverThrows<CertificateMessage>(
        Seeds(DtlsHandshakeType.Certificate, MsgAssert.Hex("00000b 000002 3001 000003 300102")), CertificateMessage.TryParse, m => m.Encode());

    [Fact]
    public void ServerKeyExchange() => MsgAssert.NeverThrows<ServerKeyExchangeMessage>(
        Seeds(DtlsHandshakeType.ServerKeyExchange), ServerKeyExchangeMessage.TryParse, m => m.Encode());

    [Fact]
    public void CertificateRequest() => MsgAssert.NeverThrows<CertificateRequestMessage>(
        Seeds(DtlsHandshakeType.CertificateRequest, MsgAssert.Hex("02 40 01 0004 0403 0401 0007 0002 3000 0001 31")),
        CertificateRequestMessage.TryParse, m => m.Encode());

    [Fact]
    public void ClientKeyExchange() => MsgAssert.NeverThrows<ClientKeyExchangeMessage>(
        Seeds(DtlsHandshakeType.ClientKeyExchange), ClientKeyExchangeMessage.TryParse, m => m.Encode());

    [Fact]
    public void CertificateVerify() => MsgAssert.NeverThrows<CertificateVerifyMessage>(
        Seeds(DtlsHandshakeType.CertificateVerify), CertificateVerifyMessage.TryParse, m => m.Encode());

    [Fact]
    public void HandshakeHeader() => MsgAssert.NeverThrows<DtlsHandshakeHeader>(
        [MsgAssert.Hex("0b 000123 0002 000020 000010")], (ReadOnlySpan<byte> d, out DtlsHandshakeHeader h) => DtlsHandshakeHeader.TryParse(d, out h));

    [Fact]
    public void ExtensionsAndTheirPayloads() => MsgAssert.NeverThrows<List<TlsExtension>>(
        [MsgClientHelloTests.ChromiumLike[62..]],
        (ReadOnlySpan<byte> d, out List<TlsExtension>? list) =>
        {
            if (!TlsExtensionBlock.TryParse(d, out var parsed, out _)) { list = null; return false; }
            foreach (var e in parsed)
            {
                _ = SupportedGroupsExtension.TryParse(e.Data, out _);
                _ = SignatureAlgorithmsExtension.TryParse(e.Data, out _);
                _ = EcPointFormatsExtension.TryParse(e.Data, out _);
                _ = UseSrtpExtension.TryParse(e.Data, out _, out _);
                _ = RenegotiationInfoExtension.TryParse(e.Data, out _);
            }
            list = parsed;
            return true;
        });
}

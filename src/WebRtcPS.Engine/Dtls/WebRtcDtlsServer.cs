using Org.BouncyCastle.Tls;

namespace WebRtcPS.Engine.Dtls;

/// <summary>The BouncyCastle DTLS 1.2 server: ECDHE_ECDSA AES-GCM suites only (GCM only: see
/// <see cref="DtlsRecordFilter"/>) (BouncyCastle's default list
/// picks ECDHE_RSA and fails with internal_error(80) for an ECDSA key), requires a client
/// certificate and verifies it by fingerprint (DTLS-NOTES "BC settings").</summary>
internal sealed class WebRtcDtlsServer : DefaultTlsServer
{
    private static readonly int[] Suites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    ];

    private readonly DtlsPeerSession _session;

    public WebRtcDtlsServer(DtlsPeerSession session) : base(session.Crypto)
    {
        _session = session;
    }

    public TlsContext Context => m_context;

    public override ProtocolVersion[] GetProtocolVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => Suites;

    public override int GetHandshakeTimeoutMillis() => _session.HandshakeTimeoutMillis;

    public override bool IgnoreCorruptDtlsRecords => true;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => _session.CreateSigner(m_context);

    public override CertificateRequest GetCertificateRequest() =>
        new([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
            TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context), null);

    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        _session.VerifyPeer(clientCertificate);

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        _session.OnAlertRaised(alertLevel, alertDescription, message);

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        _session.OnAlertReceived(alertLevel, alertDescription);
}

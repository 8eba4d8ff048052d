using Org.BouncyCastle.Tls;

namespace WebRtcPS.Engine.Dtls;

/// <summary>The BouncyCastle DTLS 1.2 client: ECDHE AES-GCM with ECDSA (or RSA) server certificates
/// (GCM only: see <see cref="DtlsRecordFilter"/>),
/// always presents our certificate, verifies the server's by fingerprint (DTLS-NOTES "BC settings").</summary>
internal sealed class WebRtcDtlsClient : DefaultTlsClient
{
    private static readonly int[] Suites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    ];

    private readonly DtlsPeerSession _session;

    public WebRtcDtlsClient(DtlsPeerSession session) : base(session.Crypto)
    {
        _session = session;
    }

    public TlsContext Context => m_context;

    public override ProtocolVersion[] GetProtocolVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => Suites;

    public override int GetHandshakeTimeoutMillis() => _session.BouncyCastleTimeoutMillis;

    /// <summary>P-256 first: .NET does its ECDHE natively (<see cref="DotNetEcdhDomain"/>), where
    /// x25519 would be BouncyCastle's managed math; x25519 and P-384 stay offered (RFC 8422 §5.1.1).</summary>
    protected override IList<int> GetSupportedGroups(IList<int> namedGroupRoles) => DtlsGroups.Preferred;

    /// <summary>Offers use_srtp (RFC 5764 §4.1.1) as browsers and pion do: pion-webrtc fails a DTLS
    /// transport that negotiated no SRTP profile, even in a data-channel-only session.</summary>
    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(DtlsSrtp.Profiles, TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override bool IgnoreCorruptDtlsRecords => true;

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        _session.OnAlertRaised(alertLevel, alertDescription, message);

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        _session.OnAlertReceived(alertLevel, alertDescription);

    private sealed class Authentication(WebRtcDtlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            client._session.VerifyPeer(serverCertificate.Certificate);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            client._session.CreateSigner(client.m_context);
    }
}

/// <summary>The ECDHE groups both roles offer or accept, in order of preference.</summary>
internal static class DtlsGroups
{
    public static readonly int[] Preferred = [NamedGroup.secp256r1, NamedGroup.x25519, NamedGroup.secp384r1];
}

/// <summary>The DTLS-SRTP protection profiles we offer and accept (RFC 5764 §4.1.2, RFC 7714 §14.2),
/// in order of preference. No SRTP is ever sent: the extension is negotiated because peers require it.</summary>
internal static class DtlsSrtp
{
    public static readonly int[] Profiles =
    [
        SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
        SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
    ];
}

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

    public override int GetHandshakeTimeoutMillis() => _session.BouncyCastleTimeoutMillis;

    /// <summary>Our order of ECDHE groups wins over the client's (pion and browsers list x25519
    /// first): P-256 is .NET's native ECDHE, x25519 BouncyCastle's managed math.</summary>
    public override int[] GetSupportedGroups() => DtlsGroups.Preferred;

    public override bool PreferLocalSupportedGroups() => true;

    /// <summary>The TLS 1.2 ECDHE group (RFC 8422 §5.1.1 leaves the choice to the server): the first of
    /// <see cref="DtlsGroups.Preferred"/> the client offered, whatever the client's order. Against pion
    /// (x25519 first) the ServerKeyExchange flight took 20-45 ms in a process whose earlier handshakes
    /// had all used P-256 (x25519 is BouncyCastle's managed math, compiled on first use) and 0.8 ms
    /// against our own client; P-256 is .NET's native ECDHE.</summary>
    protected override int SelectECDH(int minimumECDHBits)
    {
        var offered = m_context.SecurityParameters.ClientSupportedGroups;
        if (offered is not null)
        {
            foreach (var group in DtlsGroups.Preferred)
            {
                if (offered.Contains(group) && NamedGroup.GetCurveBits(group) >= minimumECDHBits && Crypto.HasNamedGroup(group))
                    return group;
            }
        }
        return base.SelectECDH(minimumECDHBits);
    }

    private int? _srtpProfile;

    /// <summary>Notes the client's use_srtp offer (RFC 5764 §4.1.1). pion's DTLS client aborts with
    /// insufficient_security(71) when it offered use_srtp and the ServerHello does not answer it, and
    /// pion-webrtc requires a negotiated profile even for a data-channel-only session.</summary>
    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var offered = clientExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offered is not null)
            _srtpProfile = DtlsSrtp.Profiles.Cast<int?>().FirstOrDefault(p => Array.IndexOf(offered.ProtectionProfiles, p!.Value) >= 0);
    }

    /// <summary>Answers use_srtp with the first of our profiles the client offered (no MKI).</summary>
    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        if (_srtpProfile is { } profile)
            TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([profile], TlsUtilities.EmptyBytes));
        return extensions;
    }

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

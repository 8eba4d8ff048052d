using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcCertificate = Org.BouncyCastle.Tls.Certificate;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// What the BouncyCastle client and server peers share: our credentials, the peer-certificate
/// check, and a record of alerts and of the fingerprint verdict so failures can be explained.
/// </summary>
internal sealed class DtlsPeerSession
{
    private readonly DtlsParameters _parameters;
    private BcCertificate? _tlsCertificate;

    public DtlsPeerSession(DtlsParameters parameters, BcTlsCrypto crypto, ILogger logger)
    {
        _parameters = parameters;
        Crypto = crypto;
        Logger = logger;
    }

    public BcTlsCrypto Crypto { get; }
    public ILogger Logger { get; }
    public DtlsRole Role => _parameters.Role;
    public int HandshakeTimeoutMillis => (int)_parameters.HandshakeTimeout.TotalMilliseconds;

    /// <summary>What BouncyCastle is told: <see cref="HandshakeTimeoutMillis"/>, or a day for a
    /// handshake started before its path was ready, whose timeout the transport counts from the
    /// path instead. Not 0 ("none"): without a timeout BouncyCastle waits for a server's first
    /// ClientHello 1 ms at a time (its DtlsReliableHandshake makes every wait finite), a wake-up
    /// per millisecond for as long as ICE takes.</summary>
    public int BouncyCastleTimeoutMillis => TimedByTransport ? 86_400_000 : HandshakeTimeoutMillis;

    /// <summary>Set before the handshake starts: the transport, not BouncyCastle, enforces the timeout.</summary>
    public bool TimedByTransport { get; set; }

    /// <summary>Set when the peer's certificate failed the fingerprint check.</summary>
    public DtlsException? FingerprintFailure { get; private set; }

    /// <summary>The peer's end-entity certificate (DER), once verified.</summary>
    public byte[]? RemoteCertificate { get; private set; }

    /// <summary>Last fatal alert we sent, if any.</summary>
    public TlsAlertDescription? AlertSent { get; private set; }

    /// <summary>Last fatal alert the peer sent, if any.</summary>
    public TlsAlertDescription? AlertReceived { get; private set; }

    /// <summary>Raised (on the DTLS thread) when the peer's close_notify arrives.</summary>
    public volatile bool CloseNotifyReceived;

    public TlsCredentialedSigner CreateSigner(TlsContext context)
    {
        _tlsCertificate ??= new BcCertificate(
            [new BcTlsCertificate(Crypto, _parameters.Certificate.RawData.ToArray())]);
        return new DefaultTlsCredentialedSigner(new TlsCryptoParameters(context),
            new DotNetEcdsaSigner(_parameters.Certificate.Key), _tlsCertificate,
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    /// <summary>Checks the peer's certificate chain; throws the alert BouncyCastle should send.</summary>
    public void VerifyPeer(BcCertificate? chain)
    {
        if (chain is null || chain.IsEmpty)
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The peer sent no certificate.");
        var der = chain.GetCertificateAt(0).GetEncoded();
        var expected = ExpectedFingerprints();
        if (!FingerprintVerifier.Matches(expected, der, out var actual))
        {
            FingerprintFailure = DtlsException.FingerprintMismatch(Role, expected, actual);
            DtlsLog.FingerprintMismatch(Logger, string.Join(", ", expected), string.Join(", ", actual));
            throw new TlsFatalAlert(AlertDescription.bad_certificate, FingerprintFailure.Message);
        }
        RemoteCertificate = der;
    }

    /// <summary>The fingerprints the peer's certificate must match: given, or (a server started before
    /// the answer) awaited here on the DTLS thread, at most for the handshake timeout.</summary>
    private IReadOnlyList<RTCDtlsFingerprint> ExpectedFingerprints()
    {
        if (_parameters.RemoteFingerprintsLater is not { } later) return _parameters.RemoteFingerprints;
        try
        {
            if (later.Wait(_parameters.HandshakeTimeout) && FingerprintVerifier.HasSupported(later.Result)) return later.Result;
        }
        catch (AggregateException)
        {
            // Cancelled: the answer made us the client, or the connection closed.
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "The peer's certificate came, but no fingerprint to check it against (no answer).");
    }

    public void OnAlertRaised(short level, short description, string? message)
    {
        if (level == AlertLevel.fatal) AlertSent = (TlsAlertDescription)description;
        DtlsLog.AlertRaised(Logger, AlertLevel.GetText(level), (TlsAlertDescription)description, message);
    }

    public void OnAlertReceived(short level, short description)
    {
        if (level == AlertLevel.fatal) AlertReceived = (TlsAlertDescription)description;
        if (description == AlertDescription.close_notify) CloseNotifyReceived = true;
        DtlsLog.AlertReceived(Logger, AlertLevel.GetText(level), (TlsAlertDescription)description);
    }
}

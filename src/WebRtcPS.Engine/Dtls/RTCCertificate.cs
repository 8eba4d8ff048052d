using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// A self-signed ECDSA P-256 certificate for DTLS, the engine's counterpart of the W3C
/// <c>RTCCertificate</c>. Generate it once and reuse it for any number of transports; it is
/// immutable. Peers authenticate it only by the fingerprint exchanged in SDP (RFC 8827 §6.5).
/// </summary>
public sealed class RTCCertificate
{
    /// <summary>Lifetime used when none is given: 30 days, as browsers do.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(30);

    private readonly byte[] _der;
    private readonly byte[] _name;
    private readonly RTCDtlsFingerprint _sha256;
    private string? _subject;

    private RTCCertificate(byte[] der, ECDsa key, byte[] name, DateTimeOffset expires)
    {
        _der = der;
        _name = name;
        Key = key;
        Expires = expires;
        _sha256 = RTCDtlsFingerprint.Compute(RTCDtlsFingerprint.DefaultAlgorithm, _der);
    }

    /// <summary>When the certificate stops being valid (UTC).</summary>
    public DateTimeOffset Expires { get; }

    /// <summary>The certificate in DER form.</summary>
    public ReadOnlyMemory<byte> RawData => _der;

    /// <summary>Subject distinguished name, e.g. <c>CN=WebRTC</c>.</summary>
    public string Subject => _subject ??= new X500DistinguishedName(_name).Name;

    /// <summary>The private key (P-256), used by .NET to sign in the DTLS handshake
    /// (<see cref="DotNetEcdsaSigner"/>).</summary>
    internal ECDsa Key { get; }

    /// <summary>Generates a fresh key pair and self-signed certificate.</summary>
    /// <param name="lifetime">Validity from now; default <see cref="DefaultLifetime"/>.</param>
    /// <param name="commonName">Subject and issuer CN; default <c>WebRTC</c>, as browsers use.</param>
    /// <remarks>.NET's platform crypto makes the key and signs (a few hundred microseconds);
    /// BouncyCastle's managed math took milliseconds, more in a process that had not yet JIT-compiled it.
    /// The certificate is written here with <see cref="AsnWriter"/> (<see cref="SelfSignedCertificate"/>)
    /// rather than by <see cref="CertificateRequest"/>, which loads .NET's X.509 stack (the
    /// certificate PAL, extension and name types, OpenSSL's X509 code): ~2.5 MiB of a peer
    /// process's peak resident set for one fixed structure.</remarks>
    public static RTCCertificate Generate(TimeSpan? lifetime = null, string commonName = "WebRTC")
    {
        var validity = lifetime ?? DefaultLifetime;
        if (validity <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "The certificate lifetime must be positive.");
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        // A day of slack for peers whose clock is behind ours; X.509 times have whole seconds.
        var notBefore = SelfSignedCertificate.WholeSeconds(now.AddDays(-1));
        var notAfter = SelfSignedCertificate.WholeSeconds(now.Add(validity));
        var name = SelfSignedCertificate.CommonNameOnly(commonName);
        var der = SelfSignedCertificate.Create(key, name, notBefore, notAfter);
        return new RTCCertificate(der, key, name, notAfter);
    }

    /// <summary>The fingerprints to put in SDP: one, sha-256 (what W3C <c>getFingerprints()</c> returns).</summary>
    public IReadOnlyList<RTCDtlsFingerprint> GetFingerprints() => [_sha256];

    /// <summary>The fingerprint of this certificate with any supported algorithm.</summary>
    public RTCDtlsFingerprint GetFingerprint(string algorithm) =>
        string.Equals(algorithm, RTCDtlsFingerprint.DefaultAlgorithm, StringComparison.OrdinalIgnoreCase)
            ? _sha256
            : RTCDtlsFingerprint.Compute(algorithm, _der);

    /// <summary>The certificate as PEM (for tools such as <c>openssl</c>); no private key.</summary>
    public string ExportCertificatePem() =>
        System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE", _der);
}

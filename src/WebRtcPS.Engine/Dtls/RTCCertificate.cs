using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

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
    private readonly RTCDtlsFingerprint _sha256;

    private RTCCertificate(X509Certificate certificate, AsymmetricKeyParameter privateKey)
    {
        Certificate = certificate;
        PrivateKey = privateKey;
        _der = certificate.GetEncoded();
        _sha256 = RTCDtlsFingerprint.Compute(RTCDtlsFingerprint.DefaultAlgorithm, _der);
        Expires = new DateTimeOffset(DateTime.SpecifyKind(certificate.NotAfter, DateTimeKind.Utc));
    }

    /// <summary>When the certificate stops being valid (UTC).</summary>
    public DateTimeOffset Expires { get; }

    /// <summary>The certificate in DER form.</summary>
    public ReadOnlyMemory<byte> RawData => _der;

    /// <summary>Subject distinguished name, e.g. <c>CN=WebRTC</c>.</summary>
    public string Subject => Certificate.SubjectDN.ToString();

    internal X509Certificate Certificate { get; }

    internal AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>Generates a fresh key pair and self-signed certificate.</summary>
    /// <param name="lifetime">Validity from now; default <see cref="DefaultLifetime"/>.</param>
    /// <param name="commonName">Subject and issuer CN; default <c>WebRTC</c>, as browsers use.</param>
    public static RTCCertificate Generate(TimeSpan? lifetime = null, string commonName = "WebRTC")
    {
        var validity = lifetime ?? DefaultLifetime;
        if (validity <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "The certificate lifetime must be positive.");
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);

        var random = new SecureRandom();
        var keyGenerator = new ECKeyPairGenerator("EC");
        keyGenerator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var keyPair = keyGenerator.GenerateKeyPair();

        var name = new X509Name("CN=" + commonName);
        var now = DateTime.UtcNow;
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(new BigInteger(63, random).Add(BigInteger.One));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        // A day of slack for peers whose clock is behind ours.
        generator.SetNotBefore(now.AddDays(-1));
        generator.SetNotAfter(now.Add(validity));
        generator.SetPublicKey(keyPair.Public);
        var certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keyPair.Private, random));
        return new RTCCertificate(certificate, keyPair.Private);
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

using System.Security.Cryptography.X509Certificates;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class RTCCertificateTests
{
    private static readonly RTCCertificate Shared = RTCCertificate.Generate();

    [Fact]
    public void IsSelfSignedEcdsaP256WithSha256()
    {
        using var x509 = X509CertificateLoader.LoadCertificate(Shared.RawData.Span);
        Assert.Equal("CN=WebRTC", x509.Subject);
        Assert.Equal(x509.Subject, x509.Issuer);
        Assert.Equal("1.2.840.10045.4.3.2", x509.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        using var ecdsa = x509.GetECDsaPublicKey();
        Assert.NotNull(ecdsa);
        Assert.Equal(256, ecdsa.KeySize);
        Assert.Equal("1.2.840.10045.3.1.7", ecdsa.ExportParameters(false).Curve.Oid.Value); // prime256v1
    }

    [Fact]
    public void ExpiresAfterTheRequestedLifetime()
    {
        var cert = RTCCertificate.Generate(TimeSpan.FromDays(2));
        var expected = DateTimeOffset.UtcNow.AddDays(2);
        Assert.InRange(cert.Expires, expected.AddMinutes(-5), expected.AddMinutes(5));
        Assert.Equal(TimeSpan.Zero, cert.Expires.Offset);
        Assert.InRange(Shared.Expires, DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));
    }

    [Fact]
    public void RejectsNonPositiveLifetime() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RTCCertificate.Generate(TimeSpan.Zero));

    [Fact]
    public void FingerprintsAreSha256OfTheDerAndStable()
    {
        var fps = Shared.GetFingerprints();
        var fp = Assert.Single(fps);
        Assert.Equal("sha-256", fp.Algorithm);
        Assert.Equal(RTCDtlsFingerprint.Compute("sha-256", Shared.RawData.Span), fp);
        Assert.Equal(fp, Shared.GetFingerprints()[0]);
        Assert.Equal(RTCDtlsFingerprint.Compute("sha-512", Shared.RawData.Span), Shared.GetFingerprint("sha-512"));
    }

    [Fact]
    public void EachGenerationIsANewKeyAndCertificate()
    {
        var other = RTCCertificate.Generate();
        Assert.NotEqual(Shared.GetFingerprints()[0], other.GetFingerprints()[0]);
    }

    [Fact]
    public void IsVersion3WithAPositiveSerialNoExtensionsAndAValidSelfSignature()
    {
        using var x509 = X509CertificateLoader.LoadCertificate(Shared.RawData.Span);
        Assert.Equal(3, x509.Version);
        var serial = x509.GetSerialNumber(); // little-endian
        Assert.Equal(8, serial.Length);
        Assert.True(serial[^1] is > 0 and < 0x80);
        Assert.Empty(x509.Extensions);
        Assert.Equal(x509.NotAfter.ToUniversalTime(), Shared.Expires.UtcDateTime);
        Assert.Equal(TimeSpan.FromDays(31), x509.NotAfter - x509.NotBefore);
        // Self-signed: the signature over the TBSCertificate verifies with the certificate's own key.
        var reader = new System.Formats.Asn1.AsnReader(Shared.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var tbs = reader.ReadEncodedValue();
        reader.ReadSequence();
        var signature = reader.ReadBitString(out _);
        using var key = x509.GetECDsaPublicKey()!;
        Assert.True(key.VerifyData(tbs.Span, signature, System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void SubjectIsTheNameAsDotNetFormatsIt()
    {
        var cert = RTCCertificate.Generate(commonName: "peer, \"7\"");
        using var x509 = X509CertificateLoader.LoadCertificate(cert.RawData.Span);
        Assert.Equal(x509.Subject, cert.Subject);
        Assert.Equal(x509.Subject, x509.Issuer);
        Assert.Equal("peer, \"7\"", x509.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
    }

    [Fact]
    public void ExpiryFrom2050IsAGeneralizedTime()
    {
        var lifetime = new DateTimeOffset(2061, 1, 1, 0, 0, 0, TimeSpan.Zero) - DateTimeOffset.UtcNow;
        var cert = RTCCertificate.Generate(lifetime);
        using var x509 = X509CertificateLoader.LoadCertificate(cert.RawData.Span);
        Assert.Equal(2061, x509.NotAfter.ToUniversalTime().Year);
        Assert.Equal(cert.Expires.UtcDateTime, x509.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void ExportsPem()
    {
        var pem = Shared.ExportCertificatePem();
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", pem);
        using var x509 = X509Certificate2.CreateFromPem(pem);
        Assert.Equal(Shared.RawData.ToArray(), x509.RawData);
    }
}

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
    public void ExportsPem()
    {
        var pem = Shared.ExportCertificatePem();
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", pem);
        using var x509 = X509Certificate2.CreateFromPem(pem);
        Assert.Equal(Shared.RawData.ToArray(), x509.RawData);
    }
}

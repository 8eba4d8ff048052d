using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// Certificates for the HTTPS server: loaded from a PFX/PKCS#12 or PEM file, or generated
/// self-signed (clients then pin its SHA-256 fingerprint or skip the check).
/// </summary>
public static class SignalingCertificates
{
    /// <summary>The SHA-256 fingerprint of <paramref name="certificate"/>'s DER encoding, as 64 hex digits.</summary>
    public static string Sha256Thumbprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    /// <summary>
    /// A self-signed ECDSA P-256 server certificate valid for 90 days, naming localhost, the
    /// loopback addresses, this machine's name and <paramref name="extraNames"/> (host names or IP addresses).
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(IEnumerable<string>? extraNames = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=WebRtcPS signaling", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in new[] { "localhost", "127.0.0.1", "::1", Environment.MachineName }.Concat(extraNames ?? []))
        {
            if (string.IsNullOrWhiteSpace(name) || !seen.Add(name)) continue;
            if (IPAddress.TryParse(name, out var ip))
            {
                if (!ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any)) names.AddIpAddress(ip);
            }
            else names.AddDnsName(name);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        var now = DateTimeOffset.UtcNow;
        using var made = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(90));
        return WithUsableKey(made);
    }

    /// <summary>
    /// Loads a server certificate with its private key: a .pfx/.p12 file (with <paramref name="password"/>),
    /// or a PEM certificate whose key is in the same file or in <paramref name="keyPath"/> (encrypted when a password is given).
    /// </summary>
    /// <exception cref="CryptographicException">The file cannot be read as a certificate, or it has no private key.</exception>
    public static X509Certificate2 Load(string path, string? keyPath = null, string? password = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        X509Certificate2 certificate;
        if (extension is ".pfx" or ".p12")
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        else
        {
            using var pem = password is null
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
            certificate = WithUsableKey(pem);
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new CryptographicException($"'{path}' holds no private key: the server needs one to serve HTTPS.");
        }
        return certificate;
    }

    // Windows' TLS (SChannel) cannot use an ephemeral key object: a PKCS#12 round trip gives it one it can.
    private static X509Certificate2 WithUsableKey(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}

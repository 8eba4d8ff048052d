using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WebRtcPS.Signaling.Client;

/// <summary>
/// How a client decides to trust the server's HTTPS certificate: the system store (default),
/// a pinned fingerprint (a self-signed server's), or not at all (<c>SkipCertificateCheck</c>).
/// </summary>
internal static class CertificatePinning
{
    /// <summary>The thumbprint as upper-case hex without separators; null when it is not 40 or 64 hex digits.</summary>
    public static string? Normalize(string thumbprint)
    {
        var hex = new string(thumbprint.Where(c => c is not (':' or ' ' or '-')).ToArray()).ToUpperInvariant();
        return hex.Length is 40 or 64 && hex.All(Uri.IsHexDigit) ? hex : null;
    }

    /// <summary>A handler for <paramref name="options"/>: the system's validation unless a pin or the skip is set.</summary>
    public static SocketsHttpHandler CreateHandler(SignalingClientOptions options)
    {
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
        var skip = options.SkipCertificateCheck;
        var expected = options.CertificateThumbprint is { } pin ? Normalize(pin) : null;
        if (skip || expected is not null)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Accept(skip, expected, certificate, errors);
        return handler;
    }

    /// <summary>A pin replaces the system's verdict (a self-signed certificate has no chain); the skip accepts anything.</summary>
    internal static bool Accept(bool skip, string? expected, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (skip) return true;
        if (expected is null) return errors == SslPolicyErrors.None;
        return certificate is X509Certificate2 c && Matches(c, expected);
    }

    private static bool Matches(X509Certificate2 certificate, string expected)
    {
        var actual = expected.Length == 64
            ? certificate.GetCertHashString(HashAlgorithmName.SHA256)
            : certificate.GetCertHashString(); // SHA-1, as Windows' certificate store shows it
        return CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(actual), System.Text.Encoding.ASCII.GetBytes(expected));
    }
}

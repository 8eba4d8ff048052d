using System.Security.Cryptography.X509Certificates;
using WebRtcPS.Signaling.Client;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Bench.Signaling;

/// <summary>
/// --secure: the flood and ping-pong phases against a server with an access token and HTTPS
/// (self-signed, pinned by the clients), to see what authentication and TLS cost.
/// The idle phase's child process speaks plain HTTP, so its server stays plain.
/// </summary>
internal static class Secure
{
    private const string Token = "bench-token-0123456789abcdef";
    private static X509Certificate2? _certificate;

    public static bool Enabled { get; set; }

    public static void Apply(SignalingServerOptions options)
    {
        if (!Enabled) return;
        _certificate ??= SignalingCertificates.CreateSelfSigned();
        options.AccessToken = Token;
        options.Certificate = _certificate;
    }

    public static SignalingClientOptions? ClientOptions() => !Enabled || _certificate is null ? null : new SignalingClientOptions
    {
        AccessToken = Token,
        CertificateThumbprint = SignalingCertificates.Sha256Thumbprint(_certificate),
    };
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// Kestrel's limits for a server on a public address: connections, the time to send headers
/// (slowloris), the slowest body, header size; HTTPS when a certificate is given. HTTP/1.1
/// only, so each /receive stream holds one connection and the connection limit bounds them.
/// </summary>
internal static class SignalingKestrel
{
    public static void Configure(KestrelServerOptions kestrel, SignalingServerOptions options)
    {
        kestrel.AddServerHeader = false;
        var limits = kestrel.Limits;
        limits.MaxRequestBodySize = null; // /send enforces MaxMessageBytes itself, with a JSON 413
        limits.MaxConcurrentConnections = options.MaxConnections;
        limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
        limits.MinRequestBodyDataRate = options.MinRequestBodyBytesPerSecond > 0
            ? new MinDataRate(options.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5))
            : null;
        limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersBytes;

        void Listen(ListenOptions listen)
        {
            listen.Protocols = HttpProtocols.Http1;
            if (options.Certificate is { } certificate) listen.UseHttps(certificate);
        }
        if (options.ListenAddress is null) kestrel.ListenAnyIP(options.Port, Listen);
        else kestrel.Listen(options.ListenAddress, options.Port, Listen);
    }
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// Kestrel's limits for a server on a public address: connections, the time to send headers
/// (slowloris), the slowest body, header size; HTTPS when a certificate is given. HTTP/1.1
/// only, so each /receive stream holds one connection and the connection limit bounds them.
/// </summary>
internal static class SignalingKestrel
{
    /// <summary>
    /// The socket transport's write buffer with a Redis store: a flush returns only once the socket
    /// has taken every byte (the pipe resumes its writer below half of this, i.e. at 0). With the
    /// default 64 KiB a flush returns while the bytes still wait for the transport's send loop, and
    /// the store acknowledges the entry in Redis: an instance killed in between lost those messages
    /// (README "Mailbox stores", <c>RedisCrashTests</c>: 5 in one run at load 30). Bytes the kernel
    /// took are sent even after the process died.
    /// </summary>
    public const long WriteThroughBufferSize = 2;

    /// <summary>With a Redis store, flushes wait for the socket (<see cref="WriteThroughBufferSize"/>); else Kestrel's default.</summary>
    public static void Configure(SocketTransportOptions sockets, SignalingServerOptions options)
    {
        if (options.Redis is not null) sockets.MaxWriteBufferSize = WriteThroughBufferSize;
    }

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

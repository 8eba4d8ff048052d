using System.Net;

namespace WebRtcPS.Signaling.Server;

/// <summary>Configuration of a <see cref="SignalingServer"/>; checked by <see cref="Validate"/> before start.</summary>
public sealed class SignalingServerOptions
{
    /// <summary>TCP port; 0 picks a free one (read the bound port from <see cref="SignalingServer.Port"/>).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Address to listen on; null listens on every address, IPv6 and IPv4, as the original's <c>:8080</c> did.</summary>
    public IPAddress? ListenAddress { get; set; }

    /// <summary>How often each open /receive stream gets <c>{"type":"heartbeat"}</c>.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most messages held for one id; beyond it /send answers 429.</summary>
    public int MaxQueuedMessagesPerId { get; set; } = 1000;

    /// <summary>Most bytes held for one id; beyond it /send answers 429.</summary>
    public long MaxQueuedBytesPerId { get; set; } = 8 * 1024 * 1024;

    /// <summary>Queued messages older than this are dropped (their addressee never came).</summary>
    public TimeSpan QueuedMessageLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Largest accepted /send body; larger ones get 413.</summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>Longest accepted peer id.</summary>
    public int MaxIdLength { get; set; } = 256;

    /// <summary>
    /// Origins whose pages may call /send, /receive and /health from a browser (CORS): "*" (the
    /// default, as before) allows any; an empty list sends no CORS headers. Not needed by the
    /// server's own /peer page, which is same-origin.
    /// </summary>
    public IList<string> CorsOrigins { get; set; } = ["*"];

    /// <summary>Checks every limit is in range.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        static void Check(bool ok, string message, string name)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, message);
        }
        Check(Port is >= 0 and <= 65535, "Port must be 0..65535.", nameof(Port));
        Check(HeartbeatInterval > TimeSpan.Zero, "HeartbeatInterval must be positive.", nameof(HeartbeatInterval));
        Check(MaxQueuedMessagesPerId > 0, "MaxQueuedMessagesPerId must be positive.", nameof(MaxQueuedMessagesPerId));
        Check(MaxQueuedBytesPerId > 0, "MaxQueuedBytesPerId must be positive.", nameof(MaxQueuedBytesPerId));
        Check(QueuedMessageLifetime > TimeSpan.Zero, "QueuedMessageLifetime must be positive.", nameof(QueuedMessageLifetime));
        Check(MaxMessageBytes >= 256, "MaxMessageBytes must be at least 256.", nameof(MaxMessageBytes));
        Check(MaxIdLength > 0, "MaxIdLength must be positive.", nameof(MaxIdLength));
        ArgumentNullException.ThrowIfNull(CorsOrigins, nameof(CorsOrigins));
        foreach (var origin in CorsOrigins)
        {
            Check(origin == "*" || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                    && uri.GetLeftPart(UriPartial.Authority) == origin.TrimEnd('/')),
                $"CorsOrigins entry '{origin}' must be \"*\" or an origin such as https://example.test:8443.", nameof(CorsOrigins));
        }
    }
}

using WebRtcPS.Signaling.Server;

namespace WebRtcPS;

/// <summary>A signaling server running in this session, with counts read when the object was made.</summary>
public sealed class SignalingServerInfo
{
    internal SignalingServerInfo(SignalingServer server)
    {
        Server = server;
        var health = server.GetHealth();
        Url = server.Url.ToString();
        PageUrl = server.PageUrl.ToString();
        Port = server.Port;
        ListenAddress = server.ListenAddress.ToString();
        StartTime = server.StartTime.LocalDateTime;
        Uptime = TimeSpan.FromSeconds(Math.Round(health.UptimeSeconds));
        IsRunning = server.IsRunning;
        HeartbeatIntervalSec = server.Options.HeartbeatInterval.TotalSeconds;
        ConnectedIds = health.ConnectedIds.ToArray();
        Connected = health.ConnectedIds.Count;
        QueuedMessages = health.QueuedMessages;
        MessagesAccepted = health.Counts.MessagesAccepted;
        MessagesDelivered = health.Counts.MessagesDelivered;
        MessagesRefused = health.Counts.MessagesRefused;
        MessagesExpired = health.Counts.MessagesExpired;
        BadRequests = health.Counts.BadRequests;
        Unauthorized = health.Counts.Unauthorized;
        RateLimited = health.Counts.RateLimited;
        CertificateThumbprint = server.CertificateThumbprint;
        Authentication = (server.Options.AccessToken is not null, server.Options.IdTokens is { Count: > 0 }) switch
        {
            (true, true) => "AccessToken, IdTokens",
            (true, false) => "AccessToken",
            (false, true) => "IdTokens",
            _ => "None",
        };
    }

    internal SignalingServer Server { get; }

    public string Url { get; }
    /// <summary>The browser peer page (GET /peer); add ?role=answerer or ?role=offerer.</summary>
    public string PageUrl { get; }
    public int Port { get; }
    public string ListenAddress { get; }
    public DateTime StartTime { get; }
    public TimeSpan Uptime { get; }
    public bool IsRunning { get; }
    public double HeartbeatIntervalSec { get; }
    public int Connected { get; }
    public string[] ConnectedIds { get; }
    public int QueuedMessages { get; }
    public long MessagesAccepted { get; }
    public long MessagesDelivered { get; }
    public long MessagesRefused { get; }
    public long MessagesExpired { get; }
    public long BadRequests { get; }
    /// <summary>Requests refused with 401/403 (token, id, origin).</summary>
    public long Unauthorized { get; }
    /// <summary>Requests refused with 429 by the per-address rate limit.</summary>
    public long RateLimited { get; }
    /// <summary>SHA-256 fingerprint of the HTTPS certificate (clients pin it with -SignalingCertificateThumbprint); null for plain HTTP.</summary>
    public string? CertificateThumbprint { get; }
    /// <summary>None, AccessToken, IdTokens, or both.</summary>
    public string Authentication { get; }

    public override string ToString() => Url;
}

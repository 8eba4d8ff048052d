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

    public override string ToString() => Url;
}

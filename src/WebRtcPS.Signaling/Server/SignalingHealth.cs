using System.Text.Json.Serialization;

namespace WebRtcPS.Signaling.Server;

/// <summary>What GET /health reports: a snapshot for operators.</summary>
public sealed record SignalingHealth
{
    /// <summary>"ok" while the server runs; "degraded" (and HTTP 503) while its Redis store is unreachable.</summary>
    [JsonPropertyName("status")] public string Status { get; init; } = "ok";
    /// <summary>When the server started.</summary>
    [JsonPropertyName("startTime")] public DateTimeOffset StartTime { get; init; }
    /// <summary>Seconds since it started.</summary>
    [JsonPropertyName("uptimeSeconds")] public double UptimeSeconds { get; init; }
    /// <summary>Peer ids with an open /receive stream.</summary>
    [JsonPropertyName("connectedIds")] public IReadOnlyList<string> ConnectedIds { get; init; } = [];
    /// <summary>Messages waiting for their recipient.</summary>
    [JsonPropertyName("queuedMessages")] public int QueuedMessages { get; init; }
    /// <summary>Bytes of those messages.</summary>
    [JsonPropertyName("queuedBytes")] public long QueuedBytes { get; init; }
    /// <summary>Peer ids the server holds a mailbox for (connected or with messages waiting).</summary>
    [JsonPropertyName("ids")] public int Ids { get; init; }
    /// <summary>Waiting messages per recipient id.</summary>
    [JsonPropertyName("queues")] public IReadOnlyDictionary<string, int> Queues { get; init; } = new Dictionary<string, int>();
    /// <summary>Totals since the start.</summary>
    [JsonPropertyName("counts")] public SignalingCounts Counts { get; init; } = new();
    /// <summary>The shared Redis store's state; null (absent) with the in-memory store.</summary>
    [JsonPropertyName("redis")] public SignalingRedisHealth? Redis { get; init; }
}

/// <summary>The Redis store as one instance sees it.</summary>
public sealed record SignalingRedisHealth
{
    /// <summary>True while the instance is connected to Redis (a /send can be stored).</summary>
    [JsonPropertyName("connected")] public bool Connected { get; init; }
    /// <summary>The Redis endpoint(s) configured, without password.</summary>
    [JsonPropertyName("endpoint")] public string Endpoint { get; init; } = "";
    /// <summary>Why the last Redis command failed, while not connected.</summary>
    [JsonPropertyName("error")] public string? Error { get; init; }
}

/// <summary>Totals since the server started.</summary>
public sealed record SignalingCounts
{
    /// <summary>Messages accepted by /send.</summary>
    [JsonPropertyName("messagesAccepted")] public long MessagesAccepted { get; init; }
    /// <summary>Messages written to a /receive stream.</summary>
    [JsonPropertyName("messagesDelivered")] public long MessagesDelivered { get; init; }
    /// <summary>Messages refused (queue full).</summary>
    [JsonPropertyName("messagesRefused")] public long MessagesRefused { get; init; }
    /// <summary>Messages dropped because no one collected them in time.</summary>
    [JsonPropertyName("messagesExpired")] public long MessagesExpired { get; init; }
    /// <summary>Requests refused as malformed.</summary>
    [JsonPropertyName("badRequests")] public long BadRequests { get; init; }
    /// <summary>/receive streams opened.</summary>
    [JsonPropertyName("streamsOpened")] public long StreamsOpened { get; init; }
    /// <summary>/receive streams replaced by a newer one for the same id.</summary>
    [JsonPropertyName("streamsReplaced")] public long StreamsReplaced { get; init; }
    /// <summary>Heartbeats written to idle streams.</summary>
    [JsonPropertyName("heartbeatsSent")] public long HeartbeatsSent { get; init; }
    /// <summary>Requests refused with 401 or 403: no or a wrong token, an id the token does not hold, an origin not allowed.</summary>
    [JsonPropertyName("unauthorized")] public long Unauthorized { get; init; }
    /// <summary>Requests refused with 429 by the per-address rate limit.</summary>
    [JsonPropertyName("rateLimited")] public long RateLimited { get; init; }
}

using System.Text.Json.Serialization;

namespace WebRtcPS.Signaling.Server;

/// <summary>What GET /health reports: a snapshot for operators.</summary>
public sealed record SignalingHealth
{
    [JsonPropertyName("status")] public string Status { get; init; } = "ok";
    [JsonPropertyName("startTime")] public DateTimeOffset StartTime { get; init; }
    [JsonPropertyName("uptimeSeconds")] public double UptimeSeconds { get; init; }
    [JsonPropertyName("connectedIds")] public IReadOnlyList<string> ConnectedIds { get; init; } = [];
    [JsonPropertyName("queuedMessages")] public int QueuedMessages { get; init; }
    [JsonPropertyName("queuedBytes")] public long QueuedBytes { get; init; }
    [JsonPropertyName("queues")] public IReadOnlyDictionary<string, int> Queues { get; init; } = new Dictionary<string, int>();
    [JsonPropertyName("counts")] public SignalingCounts Counts { get; init; } = new();
}

/// <summary>Totals since the server started.</summary>
public sealed record SignalingCounts
{
    [JsonPropertyName("messagesAccepted")] public long MessagesAccepted { get; init; }
    [JsonPropertyName("messagesDelivered")] public long MessagesDelivered { get; init; }
    [JsonPropertyName("messagesRefused")] public long MessagesRefused { get; init; }
    [JsonPropertyName("messagesExpired")] public long MessagesExpired { get; init; }
    [JsonPropertyName("badRequests")] public long BadRequests { get; init; }
    [JsonPropertyName("streamsOpened")] public long StreamsOpened { get; init; }
    [JsonPropertyName("streamsReplaced")] public long StreamsReplaced { get; init; }
    [JsonPropertyName("heartbeatsSent")] public long HeartbeatsSent { get; init; }
}

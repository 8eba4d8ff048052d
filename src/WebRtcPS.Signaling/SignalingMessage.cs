using System.Text.Json.Serialization;

namespace WebRtcPS.Signaling;

/// <summary>
/// One message of the original tool's signaling protocol: <c>{"type","content","to","from"}</c>.
/// For offer/answer the content is SDP; for candidate it is the <c>candidate:</c> line.
/// </summary>
public sealed record SignalingMessage
{
    public const string Offer = "offer";
    public const string Answer = "answer";
    public const string Candidate = "candidate";
    public const string Heartbeat = "heartbeat";

    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("content")] public string Content { get; init; } = "";
    [JsonPropertyName("to")] public string To { get; init; } = "";
    [JsonPropertyName("from")] public string From { get; init; } = "";

    public bool IsHeartbeat => string.Equals(Type, Heartbeat, StringComparison.Ordinal);
}

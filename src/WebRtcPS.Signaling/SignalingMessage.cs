using System.Text.Json.Serialization;

namespace WebRtcPS.Signaling;

/// <summary>
/// One message of the original tool's signaling protocol: <c>{"type","content","to","from"}</c>.
/// For offer/answer the content is SDP; for candidate it is the <c>candidate:</c> line.
/// </summary>
public sealed record SignalingMessage
{
    /// <summary>Type of an SDP offer.</summary>
    public const string Offer = "offer";
    /// <summary>Type of an SDP answer.</summary>
    public const string Answer = "answer";
    /// <summary>Type of a trickled ICE candidate.</summary>
    public const string Candidate = "candidate";
    /// <summary>Type of the server's keep-alive on an idle /receive stream.</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>offer, answer, candidate or heartbeat.</summary>
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    /// <summary>SDP, or a candidate line.</summary>
    [JsonPropertyName("content")] public string Content { get; init; } = "";
    /// <summary>The recipient's peer id.</summary>
    [JsonPropertyName("to")] public string To { get; init; } = "";
    /// <summary>The sender's peer id.</summary>
    [JsonPropertyName("from")] public string From { get; init; } = "";

    /// <summary>Whether this is a server heartbeat (not for the application).</summary>
    public bool IsHeartbeat => string.Equals(Type, Heartbeat, StringComparison.Ordinal);
}

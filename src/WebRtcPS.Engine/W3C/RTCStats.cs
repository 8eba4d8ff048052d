namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCStats (webrtc-stats §5): every entry has an id, a type ("peer-connection",
/// "transport", "candidate-pair", "local-candidate", "remote-candidate", "data-channel") and a timestamp.</summary>
public abstract record RTCStats
{
    public required string Id { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public abstract string Type { get; }
}

namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCStats (webrtc-stats §5): every entry has an id, a type ("peer-connection",
/// "transport", "candidate-pair", "local-candidate", "remote-candidate", "data-channel") and a timestamp.</summary>
public abstract record RTCStats
{
    /// <summary>Unique within one report; the same object keeps its id across reports.</summary>
    public required string Id { get; init; }
    /// <summary>When the figures were taken.</summary>
    public required DateTimeOffset Timestamp { get; init; }
    /// <summary>The webrtc-stats type name of the entry.</summary>
    public abstract string Type { get; }
}

namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCPeerConnectionStats (type "peer-connection").</summary>
public sealed record RTCPeerConnectionStats : RTCStats
{
    /// <inheritdoc/>
    public override string Type => "peer-connection";
    /// <summary>Data channels that reached open.</summary>
    public int DataChannelsOpened { get; init; }
    /// <summary>Data channels that closed after being open.</summary>
    public int DataChannelsClosed { get; init; }
}

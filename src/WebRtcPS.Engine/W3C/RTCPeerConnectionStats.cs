namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCPeerConnectionStats (type "peer-connection").</summary>
public sealed record RTCPeerConnectionStats : RTCStats
{
    public override string Type => "peer-connection";
    public int DataChannelsOpened { get; init; }
    public int DataChannelsClosed { get; init; }
}

namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCDataChannelStats (type "data-channel").</summary>
public sealed record RTCDataChannelStats : RTCStats
{
    public override string Type => "data-channel";
    public required string Label { get; init; }
    public required string Protocol { get; init; }
    public ushort? DataChannelIdentifier { get; init; }
    public RTCDataChannelState State { get; init; }
    public long MessagesSent { get; init; }
    public long BytesSent { get; init; }
    public long MessagesReceived { get; init; }
    public long BytesReceived { get; init; }
}

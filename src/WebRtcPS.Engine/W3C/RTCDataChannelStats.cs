namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCDataChannelStats (type "data-channel").</summary>
public sealed record RTCDataChannelStats : RTCStats
{
    /// <inheritdoc/>
    public override string Type => "data-channel";
    /// <summary>The channel's label.</summary>
    public required string Label { get; init; }
    /// <summary>The subprotocol negotiated in DCEP (empty if none).</summary>
    public required string Protocol { get; init; }
    /// <summary>The SCTP stream id; null until one is assigned.</summary>
    public ushort? DataChannelIdentifier { get; init; }
    /// <summary>The channel's state when the stats were taken.</summary>
    public RTCDataChannelState State { get; init; }
    /// <summary>Messages sent (W3C messagesSent).</summary>
    public long MessagesSent { get; init; }
    /// <summary>Payload bytes sent, without SCTP or DTLS overhead.</summary>
    public long BytesSent { get; init; }
    /// <summary>Messages received (W3C messagesReceived).</summary>
    public long MessagesReceived { get; init; }
    /// <summary>Payload bytes received.</summary>
    public long BytesReceived { get; init; }
}

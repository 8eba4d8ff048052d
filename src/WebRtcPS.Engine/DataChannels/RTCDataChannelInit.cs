namespace WebRtcPS.Engine.DataChannels;

/// <summary>W3C RTCDataChannelInit: the options of createDataChannel.</summary>
public sealed record RTCDataChannelInit
{
    /// <summary>Deliver messages in order (default true).</summary>
    public bool Ordered { get; init; } = true;
    /// <summary>Retransmissions allowed per message (partial reliability); exclusive with <see cref="MaxPacketLifeTime"/>.</summary>
    public ushort? MaxRetransmits { get; init; }
    /// <summary>Milliseconds a message may be (re)transmitted (partial reliability).</summary>
    public ushort? MaxPacketLifeTime { get; init; }
    /// <summary>The subprotocol name (at most 65535 UTF-8 bytes).</summary>
    public string Protocol { get; init; } = "";
    /// <summary>True when the application negotiated the channel out of band: no DCEP, <see cref="Id"/> required.</summary>
    public bool Negotiated { get; init; }
    /// <summary>The SCTP stream id for a negotiated channel; otherwise chosen by the DTLS role (RFC 8832 §6).</summary>
    public ushort? Id { get; init; }
    /// <summary>RFC 8831 §6.4 priority: 128 below normal, 256 normal, 512 high, 1024 extra high.</summary>
    public ushort Priority { get; init; } = 256;

    /// <summary>Checks the W3C rules: one partial-reliability option at most, an id for a negotiated channel, no stream 65535.</summary>
    /// <exception cref="ArgumentException">A rule is broken.</exception>
    public void Validate()
    {
        if (MaxRetransmits.HasValue && MaxPacketLifeTime.HasValue)
            throw new ArgumentException("maxRetransmits and maxPacketLifeTime cannot both be set.", nameof(MaxPacketLifeTime));
        if (Negotiated && Id is null) throw new ArgumentException("A negotiated data channel needs an id.", nameof(Id));
        if (Id is 65535) throw new ArgumentOutOfRangeException(nameof(Id), "Stream id 65535 is reserved.");
        if (System.Text.Encoding.UTF8.GetByteCount(Protocol) > 65535) throw new ArgumentException("protocol is too long.", nameof(Protocol));
    }
}

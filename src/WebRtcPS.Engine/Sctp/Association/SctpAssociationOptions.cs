namespace WebRtcPS.Engine.Sctp;

/// <summary>Settings of an <see cref="SctpAssociation"/>. Defaults follow RFC 9260 §16 and the
/// WebRTC profile (RFC 8831 §6.2: port 5000, max message size 256 KiB as advertised in SDP).</summary>
public sealed record SctpAssociationOptions
{
    /// <summary>Our SCTP port (SDP a=sctp-port, RFC 8841 §5); 5000 by default.</summary>
    public ushort LocalPort { get; init; } = 5000;
    /// <summary>The peer's SCTP port (its a=sctp-port).</summary>
    public ushort RemotePort { get; init; } = 5000;

    /// <summary>Largest user message sent or accepted (SDP a=max-message-size). Default 262144.</summary>
    public int MaxMessageSize { get; init; } = 262144;

    /// <summary>The peer's a=max-message-size (RFC 8841 §6), limiting what we send; 0 means no limit;
    /// null means the same as <see cref="MaxMessageSize"/>.</summary>
    public int? RemoteMaxMessageSize { get; init; }

    /// <summary>Our advertised receiver window (a_rwnd) in bytes.</summary>
    public uint ReceiveWindow { get; init; } = 1024 * 1024;

    /// <summary>Outbound streams requested in INIT (the number of data channel ids usable).</summary>
    public ushort OutboundStreams { get; init; } = 65535;
    /// <summary>Inbound streams accepted (MIS in INIT).</summary>
    public ushort InboundStreams { get; init; } = 65535;

    /// <summary>RTO.Initial (RFC 9260 §16).</summary>
    public TimeSpan RtoInitial { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>RTO.Min. RFC 9260 suggests 1 s; WebRTC stacks use less, hence 200 ms.</summary>
    public TimeSpan RtoMin { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>RTO.Max (RFC 9260 §16).</summary>
    public TimeSpan RtoMax { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Delayed SACK timeout (RFC 9260 §6.2: at most 500 ms; every second packet is acked at once).</summary>
    public TimeSpan DelayedSackTime { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>HB.interval: how often an idle path is probed (RFC 9260 §8.3).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Valid.Cookie.Life (RFC 9260 §16).</summary>
    public TimeSpan CookieLifetime { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Max.Init.Retransmits (RFC 9260 §16).</summary>
    public int MaxInitRetransmits { get; init; } = 8;
    /// <summary>Association.Max.Retrans: consecutive timeouts before the peer is declared unreachable.</summary>
    public int MaxAssociationRetransmits { get; init; } = 10;

    /// <summary>Bytes queued and not yet first transmitted above which SendAsync waits.</summary>
    public long MaxBufferedAmount { get; init; } = 4 * 1024 * 1024;

    /// <summary>Send INIT at start (active open). Both WebRTC peers do; the collision is resolved per RFC 9260 §5.2.4.</summary>
    public bool SendInit { get; init; } = true;

    /// <summary>When true, received messages are raised through <see cref="SctpAssociation.MessageReceived"/>
    /// on the same ordered event queue as stream resets and state changes (what the data channel
    /// layer needs so a message never overtakes the close of its channel), instead of
    /// <see cref="SctpAssociation.Messages"/>. Subscribe before <see cref="SctpAssociation.Start"/>.</summary>
    public bool DeliverMessagesAsEvents { get; init; }

    /// <summary>Checks every option (sizes, stream counts, RTO bounds).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (MaxMessageSize <= 0) throw new ArgumentOutOfRangeException(nameof(MaxMessageSize));
        if (RemoteMaxMessageSize < 0) throw new ArgumentOutOfRangeException(nameof(RemoteMaxMessageSize));
        if (ReceiveWindow < 1500) throw new ArgumentOutOfRangeException(nameof(ReceiveWindow));
        if (ReceiveWindow < MaxMessageSize) throw new ArgumentOutOfRangeException(nameof(ReceiveWindow), "The receive window must hold a whole message of MaxMessageSize.");
        if (OutboundStreams == 0) throw new ArgumentOutOfRangeException(nameof(OutboundStreams));
        if (InboundStreams == 0) throw new ArgumentOutOfRangeException(nameof(InboundStreams));
        if (RtoMin <= TimeSpan.Zero || RtoMax < RtoMin || RtoInitial < RtoMin) throw new ArgumentOutOfRangeException(nameof(RtoInitial));
        if (DelayedSackTime < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(DelayedSackTime));
        if (MaxBufferedAmount <= 0) throw new ArgumentOutOfRangeException(nameof(MaxBufferedAmount));
    }
}

namespace WebRtcPS.Engine.Sctp;

/// <summary>The RFC 9260 §4 association states (internal protocol state).</summary>
internal enum AssociationState
{
    Closed,
    CookieWait,
    CookieEchoed,
    Established,
    ShutdownPending,
    ShutdownSent,
    ShutdownReceived,
    ShutdownAckSent,
}

/// <summary>Which direction of a stream a reset concerned (RFC 6525).</summary>
internal enum StreamResetDirection
{
    /// <summary>The peer reset its outgoing stream: nothing more will arrive on it.</summary>
    Incoming,
    /// <summary>Our outgoing reset request was answered.</summary>
    Outgoing,
}

internal sealed class StreamResetEventArgs(ushort[] streamIds, StreamResetDirection direction, bool succeeded) : EventArgs
{
    public ushort[] StreamIds { get; } = streamIds;
    public StreamResetDirection Direction { get; } = direction;
    public bool Succeeded { get; } = succeeded;
}

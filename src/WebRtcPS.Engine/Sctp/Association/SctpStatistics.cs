namespace WebRtcPS.Engine.Sctp;

/// <summary>A snapshot of an association's counters and transport state (for getStats-style
/// reporting), taken on the association's loop so the values are consistent with each other.</summary>
internal sealed record SctpStatistics
{
    public AssociationState State { get; init; }
    public long PacketsSent { get; init; }
    public long PacketsReceived { get; init; }
    /// <summary>Datagrams dropped before the state machine (bad checksum, malformed, wrong port) or by it (wrong tag).</summary>
    public long PacketsDropped { get; init; }
    public long DataRetransmissions { get; init; }
    public long RetransmissionTimeouts { get; init; }
    /// <summary>DATA chunks marked for fast retransmission (three miss indications, RFC 9260 §7.2.4).</summary>
    public long FastRetransmissions { get; init; }
    /// <summary>T3-rtx expiries found spurious afterwards (the flight was late, not lost) and undone.</summary>
    public long SpuriousRetransmissionTimeouts { get; init; }
    /// <summary>DATA chunks judged lost that proved only late (reordered): acknowledged before
    /// their retransmission left or too soon after it, or reported as duplicates by the peer.</summary>
    public long SpuriousFastRetransmissions { get; init; }
    /// <summary>Fast recoveries whose cwnd/ssthresh reduction was undone (every retransmission spurious).</summary>
    public long FastRecoveriesUndone { get; init; }
    /// <summary>RACK's reordering window (RFC 8985 §6.2): zero until reordering was seen.</summary>
    public TimeSpan ReorderingWindow { get; init; }
    /// <summary>Tail loss probes sent (new DATA beyond cwnd after a silence, RFC 8985 §7).</summary>
    public long TailLossProbes { get; init; }
    /// <summary>DATA chunks received that were already received (the peer retransmitted needlessly, or the path duplicated).</summary>
    public long DuplicateDataReceived { get; init; }
    /// <summary>DATA chunks received and dropped for lack of room in our receive window.</summary>
    public long DataDroppedForWindow { get; init; }
    /// <summary>DATA chunks received and taken (not duplicates, not dropped for the window).</summary>
    public long DataReceived { get; init; }
    /// <summary>FORWARD-TSN chunks received (RFC 3758 §3.6).</summary>
    public long ForwardTsnsReceived { get; init; }
    /// <summary>TSNs those FORWARD-TSNs skipped that never came: messages the peer abandoned
    /// (a partially reliable channel's limit reached before they were acknowledged).</summary>
    public long TsnsAbandonedByPeer { get; init; }
    public int CongestionWindow { get; init; }
    public int SlowStartThreshold { get; init; }
    public uint PeerReceiveWindow { get; init; }
    public int BytesInFlight { get; init; }
    public TimeSpan Rto { get; init; }
    public TimeSpan? SmoothedRtt { get; init; }
    public long BufferedAmount { get; init; }
    public long UnconsumedBytes { get; init; }
}

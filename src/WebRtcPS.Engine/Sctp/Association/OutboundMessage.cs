namespace WebRtcPS.Engine.Sctp;

/// <summary>Reliability of one outbound message (RFC 3758 PR-SCTP as used by RFC 8831 §6.1):
/// fully reliable, limited to <see cref="MaxRetransmits"/> retransmissions, or to a lifetime.
/// <see cref="SackImmediately"/>: the sender will wait for the acknowledgement, so the message's
/// last fragment asks the receiver not to delay its SACK (RFC 7053 §4.1, the I bit; RFC 6458's
/// SCTP_SACK_IMMEDIATELY send flag).</summary>
internal readonly record struct SctpSendOptions(bool Unordered = false, int? MaxRetransmits = null, TimeSpan? MaxLifetime = null,
    bool SackImmediately = false);

/// <summary>A user message on its way out, split into fragments. Its SSN is taken when its first
/// fragment is first sent, so a message abandoned before that never leaves a hole in the stream.</summary>
internal sealed class OutboundMessage
{
    public required ushort StreamId { get; init; }
    public required uint Ppid { get; init; }
    public required SctpSendOptions Options { get; init; }
    public TimeSpan? ExpiresAt { get; init; }
    public List<OutboundChunk> Fragments { get; } = [];
    public ushort Ssn { get; set; }
    public bool Abandoned { get; set; }
}

/// <summary>One DATA fragment and its transmission bookkeeping (RFC 9260 §6.1-§7.2).</summary>
internal sealed class OutboundChunk
{
    public required OutboundMessage Message { get; init; }
    public required ReadOnlyMemory<byte> Payload { get; init; }
    public required bool Beginning { get; init; }
    public required bool Ending { get; init; }
    public uint Tsn { get; set; }
    public int Transmissions { get; set; }
    public TimeSpan LastSent { get; set; }
    public bool Acked { get; set; }
    /// <summary>Counted in the flight size (sent, not acked, not marked for retransmission).</summary>
    public bool InFlight { get; set; }
    public bool MarkedForRetransmit { get; set; }
    /// <summary>Marked by T3-rtx (not by a miss report) and not sent again yet: undone if the timeout proves spurious.</summary>
    public bool MarkedByTimeout { get; set; }
    public int MissIndications { get; set; }
    /// <summary>The next new TSN when this chunk was last sent: only SACKs acknowledging a TSN from
    /// here on were sent after it, so only they may report it missing.</summary>
    public uint SentBeforeTsn { get; set; }
    public bool Abandoned => Message.Abandoned;
    public int Length => Payload.Length;

    public DataChunk ToDataChunk() => new(Tsn, Message.StreamId, Message.Options.Unordered ? (ushort)0 : Message.Ssn,
        Message.Ppid, Payload, Message.Options.Unordered, Beginning, Ending, Ending && Message.Options.SackImmediately);

    public int EncodedLength => Wire.Pad4(DataChunk.HeaderLength + Payload.Length);
}

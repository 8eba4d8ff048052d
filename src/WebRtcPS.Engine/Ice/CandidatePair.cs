namespace WebRtcPS.Engine.Ice;

/// <summary>
/// A checklist entry (RFC 8445 §6.1.2). Owned by the agent's loop; only <see cref="Traffic"/>
/// is touched from other threads (the transport's data counters).
/// </summary>
internal sealed class CandidatePair(LocalCandidate local, RemoteCandidate remote)
{
    public LocalCandidate Local { get; } = local;
    public RemoteCandidate Remote { get; } = remote;

    /// <summary>Pair foundation: local and remote foundations together (§6.1.2.6).</summary>
    public string Foundation => Local.Candidate.Foundation + ":" + Remote.Candidate.Foundation;

    public ulong Priority { get; set; }
    public RTCIceCandidatePairState State { get; set; }

    /// <summary>Valid: a check on it succeeded (§7.2.5.3.2; the checked pair stands in for the
    /// valid pair, since both send from the same base to the same remote).</summary>
    public bool Valid => State == RTCIceCandidatePairState.Succeeded;

    public bool Nominated { get; set; }

    /// <summary>Relays on the path: 0 (direct: host, server- or peer-reflexive on both sides), 1
    /// or 2 (a relayed candidate on one side or both; a peer-reflexive remote on a relay address
    /// counts, <see cref="RemoteCandidate.OnRelayAddress"/>). Fewer relays win
    /// (<see cref="IceAgentOptions.DirectPathWait"/>).</summary>
    public int Relays => (Local.Candidate.Type == RTCIceCandidateType.Relay ? 1 : 0) + (Remote.IsRelayed ? 1 : 0);

    /// <summary>Checked again once because a pair with more relays answered (the relays then have
    /// their permissions and the NATs their state, which the first check may have lacked).</summary>
    public bool Rechecked { get; set; }

    /// <summary>Still being checked: it may yet succeed.</summary>
    public bool IsPending => State is RTCIceCandidatePairState.Frozen or RTCIceCandidatePairState.Waiting or RTCIceCandidatePairState.InProgress;

    /// <summary>Controlled: the peer's USE-CANDIDATE arrived before our own check succeeded (§7.3.1.5).</summary>
    public bool NominateOnSuccess { get; set; }

    /// <summary>Controlling: the next check on this pair carries USE-CANDIDATE.</summary>
    public bool UseCandidateNext { get; set; }

    /// <summary>When the first connectivity check on it went out.</summary>
    public TimeSpan? FirstCheckAt { get; set; }

    /// <summary>The outstanding connectivity check, if any.</summary>
    public IceTransaction? Transaction { get; set; }

    public long RequestsSent, RequestsReceived, ResponsesSent, ResponsesReceived, ConsentRequestsSent;
    public TimeSpan? CurrentRoundTripTime;
    public TimeSpan TotalRoundTripTime;
    public string? LastResult;

    public PairTraffic Traffic { get; } = new();

    public RTCIceCandidatePair Snapshot => new(Local.Candidate, Remote.Candidate);

    public override string ToString() => Snapshot.ToString();
}

/// <summary>Data counters of a pair, updated by the transport from any thread.</summary>
internal sealed class PairTraffic
{
    public long PacketsSent, PacketsReceived, BytesSent, BytesReceived;

    public void AddSent(int bytes)
    {
        Interlocked.Increment(ref PacketsSent);
        Interlocked.Add(ref BytesSent, bytes);
    }

    public void AddReceived(int bytes)
    {
        Interlocked.Increment(ref PacketsReceived);
        Interlocked.Add(ref BytesReceived, bytes);
    }
}

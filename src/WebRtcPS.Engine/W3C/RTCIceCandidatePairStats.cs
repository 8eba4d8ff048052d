namespace WebRtcPS.Engine.W3C;

/// <summary>
/// W3C RTCIceCandidatePairStats (type "candidate-pair"): checks, RTT and traffic of one pair, plus
/// whether it is the selected one and what its last check got back (for failure diagnostics).
/// The ICE agent makes them, naming its candidates by the ids of the same snapshot; getStats
/// passes them on with the transport's id.
/// </summary>
public sealed record RTCIceCandidatePairStats : RTCStats
{
    /// <inheritdoc/>
    public override string Type => "candidate-pair";
    /// <summary>The transport stats entry the pair belongs to; null in the ICE agent's own snapshots.</summary>
    public string? TransportId { get; init; }
    /// <summary>Id of the local candidate's stats in the same report.</summary>
    public required string LocalCandidateId { get; init; }
    /// <summary>Id of the remote candidate's stats in the same report.</summary>
    public required string RemoteCandidateId { get; init; }
    /// <summary>The pair's checklist state (RFC 8445 §6.1.2.6).</summary>
    public RTCIceCandidatePairState State { get; init; }
    /// <summary>Whether the controlling agent nominated the pair (USE-CANDIDATE, RFC 8445 §8.1.1).</summary>
    public bool Nominated { get; init; }
    /// <summary>The pair carrying the data (not in W3C, which points to it from the transport).</summary>
    public bool Selected { get; init; }
    /// <summary>The pair priority (RFC 8445 §6.1.2.3).</summary>
    public ulong Priority { get; init; }
    /// <summary>Data packets (not checks) sent on the pair.</summary>
    public long PacketsSent { get; init; }
    /// <summary>Data packets (not checks) received on the pair.</summary>
    public long PacketsReceived { get; init; }
    /// <summary>Data bytes sent on the pair.</summary>
    public long BytesSent { get; init; }
    /// <summary>Data bytes received on the pair.</summary>
    public long BytesReceived { get; init; }
    /// <summary>RTT of the latest answered check; null before one.</summary>
    public TimeSpan? CurrentRoundTripTime { get; init; }
    /// <summary>Sum of the RTTs of all answered checks (divide by ResponsesReceived for the mean).</summary>
    public TimeSpan TotalRoundTripTime { get; init; }
    /// <summary>Connectivity-check requests sent (retransmissions included).</summary>
    public long RequestsSent { get; init; }
    /// <summary>Connectivity-check requests received.</summary>
    public long RequestsReceived { get; init; }
    /// <summary>Connectivity-check responses sent.</summary>
    public long ResponsesSent { get; init; }
    /// <summary>Connectivity-check responses received.</summary>
    public long ResponsesReceived { get; init; }
    /// <summary>Consent-freshness requests sent (RFC 7675).</summary>
    public long ConsentRequestsSent { get; init; }
    /// <summary>What the last check got back: "success", "error 487 Role Conflict", "timeout after 7 requests"...</summary>
    public string? LastResult { get; init; }
}

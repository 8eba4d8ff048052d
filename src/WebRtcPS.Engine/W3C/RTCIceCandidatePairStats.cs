namespace WebRtcPS.Engine.W3C;

/// <summary>
/// W3C RTCIceCandidatePairStats (type "candidate-pair"): checks, RTT and traffic of one pair, plus
/// whether it is the selected one and what its last check got back (for failure diagnostics).
/// The ICE agent makes them, naming its candidates by the ids of the same snapshot; getStats
/// passes them on with the transport's id.
/// </summary>
public sealed record RTCIceCandidatePairStats : RTCStats
{
    public override string Type => "candidate-pair";
    /// <summary>The transport stats entry the pair belongs to; null in the ICE agent's own snapshots.</summary>
    public string? TransportId { get; init; }
    public required string LocalCandidateId { get; init; }
    public required string RemoteCandidateId { get; init; }
    public RTCIceCandidatePairState State { get; init; }
    public bool Nominated { get; init; }
    /// <summary>The pair carrying the data (not in W3C, which points to it from the transport).</summary>
    public bool Selected { get; init; }
    public ulong Priority { get; init; }
    public long PacketsSent { get; init; }
    public long PacketsReceived { get; init; }
    public long BytesSent { get; init; }
    public long BytesReceived { get; init; }
    public TimeSpan? CurrentRoundTripTime { get; init; }
    public TimeSpan TotalRoundTripTime { get; init; }
    public long RequestsSent { get; init; }
    public long RequestsReceived { get; init; }
    public long ResponsesSent { get; init; }
    public long ResponsesReceived { get; init; }
    public long ConsentRequestsSent { get; init; }
    /// <summary>What the last check got back: "success", "error 487 Role Conflict", "timeout after 7 requests"...</summary>
    public string? LastResult { get; init; }
}

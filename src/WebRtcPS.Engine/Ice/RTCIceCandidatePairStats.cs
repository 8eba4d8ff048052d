namespace WebRtcPS.Engine.Ice;

/// <summary>
/// A snapshot of one pair's checks and traffic, shaped after W3C RTCIceCandidatePairStats,
/// plus what its last check got back (for failure diagnostics).
/// </summary>
public sealed record RTCIceCandidatePairStats
{
    public required RTCIceCandidatePair Pair { get; init; }
    public RTCIceCandidatePairState State { get; init; }
    public ulong Priority { get; init; }
    public bool Nominated { get; init; }
    public bool Selected { get; init; }
    public long RequestsSent { get; init; }
    public long RequestsReceived { get; init; }
    public long ResponsesSent { get; init; }
    public long ResponsesReceived { get; init; }
    public long ConsentRequestsSent { get; init; }
    public TimeSpan? CurrentRoundTripTime { get; init; }
    public TimeSpan TotalRoundTripTime { get; init; }
    public long PacketsSent { get; init; }
    public long PacketsReceived { get; init; }
    public long BytesSent { get; init; }
    public long BytesReceived { get; init; }

    /// <summary>What the last check got: "success", "error 487 Role Conflict", "timeout after 7 requests"...</summary>
    public string? LastResult { get; init; }
}

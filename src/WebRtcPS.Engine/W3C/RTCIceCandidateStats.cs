namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCIceCandidateStats (type "local-candidate" or "remote-candidate").</summary>
public sealed record RTCIceCandidateStats : RTCStats
{
    private readonly bool _remote;

    public RTCIceCandidateStats(bool isRemote) => _remote = isRemote;

    public override string Type => _remote ? "remote-candidate" : "local-candidate";
    public required string TransportId { get; init; }
    public required string Address { get; init; }
    public int Port { get; init; }
    public required string Protocol { get; init; }
    public required string CandidateType { get; init; }
    public uint Priority { get; init; }
    public string? Url { get; init; }
    public string? RelatedAddress { get; init; }
    public int? RelatedPort { get; init; }
    public string? Foundation { get; init; }
}

namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCIceCandidateStats (type "local-candidate" or "remote-candidate").</summary>
public sealed record RTCIceCandidateStats : RTCStats
{
    private readonly bool _remote;

    /// <summary>Stats of a local or (<paramref name="isRemote"/>) remote candidate.</summary>
    public RTCIceCandidateStats(bool isRemote) => _remote = isRemote;

    /// <inheritdoc/>
    public override string Type => _remote ? "remote-candidate" : "local-candidate";
    /// <summary>The transport stats entry the candidate belongs to.</summary>
    public required string TransportId { get; init; }
    /// <summary>The candidate's IP address (or mDNS name for a remote .local candidate).</summary>
    public required string Address { get; init; }
    /// <summary>The candidate's port.</summary>
    public int Port { get; init; }
    /// <summary>"udp" or "tcp".</summary>
    public required string Protocol { get; init; }
    /// <summary>"host", "srflx", "prflx" or "relay".</summary>
    public required string CandidateType { get; init; }
    /// <summary>The candidate priority (RFC 8445 §5.1.2).</summary>
    public uint Priority { get; init; }
    /// <summary>The STUN or TURN server URL a srflx or relay candidate came from.</summary>
    public string? Url { get; init; }
    /// <summary>The base's address for srflx, prflx and relay candidates (SDP raddr).</summary>
    public string? RelatedAddress { get; init; }
    /// <summary>The base's port (SDP rport).</summary>
    public int? RelatedPort { get; init; }
    /// <summary>The candidate's foundation (RFC 8445 §5.1.1.3).</summary>
    public string? Foundation { get; init; }
}

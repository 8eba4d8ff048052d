using WebRtcPS.Engine.Ice;

namespace WebRtcPS;

/// <summary>Whether a candidate is ours or the peer's.</summary>
public enum CandidateDirection
{
    Local,
    Remote,
}

/// <summary>
/// One ICE candidate, as gathered (Local) or received from the peer (Remote): flat, typed
/// properties so Export-Csv gives useful columns. The priority is also split into the three
/// parts of RFC 8445 §5.1.2.1.
/// </summary>
public sealed class IceCandidateEvent : PeerEvent
{
    internal IceCandidateEvent(RTCIceCandidate candidate, CandidateDirection direction, DateTimeOffset timestamp, TimeSpan elapsed, string? url,
        string? peerId = null)
        : base(peerId, timestamp, elapsed)
    {
        var parts = candidate.PriorityParts;
        Direction = direction;
        Component = candidate.Component;
        Type = candidate.Type.ToString().ToLowerInvariant();
        Foundation = candidate.Foundation;
        Protocol = candidate.Protocol.ToString().ToLowerInvariant();
        Address = candidate.Address;
        Port = candidate.Port;
        Priority = candidate.Priority;
        TypePreference = parts.TypePreference;
        LocalPreference = parts.LocalPreference;
        ComponentPreference = 256 - parts.ComponentId;
        RelatedAddress = candidate.RelatedAddress;
        RelatedPort = candidate.RelatedPort;
        TcpType = candidate.TcpType?.ToString().ToLowerInvariant();
        Url = url;
        Candidate = candidate.ToSdpString();
    }

    public override PeerEventType EventType => PeerEventType.Candidate;

    public CandidateDirection Direction { get; }
    public int Component { get; }

    /// <summary>host, srflx, prflx or relay.</summary>
    public string Type { get; }

    public string Foundation { get; }

    /// <summary>udp or tcp.</summary>
    public string Protocol { get; }

    public string Address { get; }
    public int Port { get; }
    public uint Priority { get; }
    public int TypePreference { get; }
    public int LocalPreference { get; }
    public int ComponentPreference { get; }
    public string? RelatedAddress { get; }
    public int? RelatedPort { get; }
    public string? TcpType { get; }

    /// <summary>The STUN or TURN server the candidate came from (srflx, relay).</summary>
    public string? Url { get; }

    /// <summary>The candidate as an SDP <c>candidate:</c> line.</summary>
    public string Candidate { get; }

    public override string ToString() => Candidate;
}

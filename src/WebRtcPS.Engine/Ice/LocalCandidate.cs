using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>A local candidate and the socket of its base (RFC 8445 §5.1.1). Host and relayed
/// candidates are paired; server- and peer-reflexive ones share their base's socket and are
/// replaced by it in pairs (§6.1.2.4), so they are only signalled and reported.</summary>
internal sealed class LocalCandidate(RTCIceCandidate candidate, IceSocketId socket, IPEndPoint endPoint, string? url)
{
    public RTCIceCandidate Candidate { get; set; } = candidate;
    public IceSocketId Socket { get; } = socket;
    public IPEndPoint EndPoint { get; } = endPoint;
    public string? Url { get; } = url;
    public bool IsPairable => Candidate.Type is RTCIceCandidateType.Host or RTCIceCandidateType.Relay;
}

using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>A remote candidate with its resolved transport address.</summary>
internal sealed class RemoteCandidate(RTCIceCandidate candidate, IPEndPoint endPoint)
{
    /// <summary>Replaced when a signalled candidate arrives for an address first learned as peer-reflexive.</summary>
    public RTCIceCandidate Candidate { get; set; } = candidate;
    public IPEndPoint EndPoint { get; } = endPoint;

    /// <summary>Peer-reflexive, on the IP address of a TURN server's relayed addresses (ours, or one
    /// the peer signalled): most likely the peer's relayed candidate whose trickle is still on its
    /// way, so a pair with it counts as relayed (<see cref="CandidatePair.Relays"/>).</summary>
    public bool OnRelayAddress { get; set; }

    /// <summary>Relayed as far as we can tell: signalled as relay, or peer-reflexive on a relay address.</summary>
    public bool IsRelayed => Candidate.Type == RTCIceCandidateType.Relay || (Candidate.Type == RTCIceCandidateType.Prflx && OnRelayAddress);
}

using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>A remote candidate with its resolved transport address.</summary>
internal sealed class RemoteCandidate(RTCIceCandidate candidate, IPEndPoint endPoint)
{
    /// <summary>Replaced when a signalled candidate arrives for an address first learned as peer-reflexive.</summary>
    public RTCIceCandidate Candidate { get; set; } = candidate;
    public IPEndPoint EndPoint { get; } = endPoint;
}

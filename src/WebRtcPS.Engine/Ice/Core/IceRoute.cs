using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>The selected pair as the data path: the socket and remote address data goes through,
/// and the pair's traffic counters. A new instance for every newly selected pair.</summary>
internal sealed record IceRoute(IceSocketId Socket, IPEndPoint Remote, PairTraffic Traffic, RTCIceCandidatePair Pair)
{
    /// <summary>The pair as reported; described anew when its peer-reflexive remote turns out to
    /// be a signalled candidate (the route itself stays).</summary>
    public RTCIceCandidatePair Pair { get; set; } = Pair;

    /// <summary>False once consent expired (RFC 7675 §5.1: stop sending), the route was replaced
    /// or the agent closed; never true again.</summary>
    public bool Usable { get; set; } = true;
}

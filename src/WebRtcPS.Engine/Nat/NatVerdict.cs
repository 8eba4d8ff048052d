namespace WebRtcPS.Engine.Nat;

/// <summary>What the measured NAT behaviour means for a WebRTC connection (ICE, RFC 8445), from
/// this side alone; <see cref="NatBehaviorReport.VerdictText"/> says it in words.</summary>
public enum NatVerdict
{
    /// <summary>Too little was measured to tell (e.g. the server does not support RFC 5780).</summary>
    Unknown,

    /// <summary>Endpoint-independent mapping (or no NAT) and filtering by address at most: a
    /// peer reaches the server-reflexive candidate whatever its own NAT.</summary>
    Direct,

    /// <summary>Endpoint-independent mapping, but filtering by address and port (or unknown
    /// filtering): a symmetric NAT on the other side sends from a port this filter never saw.</summary>
    DirectUnlessOtherSideSymmetric,

    /// <summary>Address(-and-port)-dependent mapping: the other side learns only a peer-reflexive
    /// address, which a port-restricted or symmetric NAT there filters.</summary>
    TurnWhenOtherSidePortRestrictedOrSymmetric,

    /// <summary>No UDP answer, but the TURN ports answer over TCP: relay over TURN/TCP or TLS.</summary>
    TurnOverTcp,

    /// <summary>No answer over UDP nor on the TURN ports over TCP.</summary>
    NoConnectivity,
}

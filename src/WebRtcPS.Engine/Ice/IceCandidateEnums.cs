namespace WebRtcPS.Engine.Ice;

/// <summary>W3C RTCIceProtocol: the candidate's transport.</summary>
public enum RTCIceProtocol
{
    /// <summary>UDP.</summary>
    Udp,
    /// <summary>TCP (RFC 6544), framed as RFC 4571.</summary>
    Tcp,
}

/// <summary>W3C RTCIceCandidateType (RFC 8445 §5.1.1): how the candidate was obtained.</summary>
public enum RTCIceCandidateType
{
    /// <summary>An address of a local interface.</summary>
    Host,
    /// <summary>Server reflexive: the NAT's public mapping, learned from a STUN server.</summary>
    Srflx,
    /// <summary>Peer reflexive: a mapping learned from a connectivity check.</summary>
    Prflx,
    /// <summary>An address allocated on a TURN server.</summary>
    Relay,
}

/// <summary>W3C RTCIceTcpCandidateType (RFC 6544 §4.5).</summary>
public enum RTCIceTcpCandidateType
{
    /// <summary>Opens the connection.</summary>
    Active,
    /// <summary>Accepts the connection.</summary>
    Passive,
    /// <summary>Simultaneous-open.</summary>
    So,
}

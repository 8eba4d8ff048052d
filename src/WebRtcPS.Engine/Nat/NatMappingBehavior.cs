namespace WebRtcPS.Engine.Nat;

/// <summary>
/// How a NAT chooses the public endpoint of a flow (RFC 4787 §4.1), as the RFC 5780 §4.3 test
/// measures it.
/// </summary>
public enum NatMappingBehavior
{
    /// <summary>Not measured; the report's Reason says why (no RFC 5780 server, no answer).</summary>
    Unknown,

    /// <summary>The server saw this host's own address and port: no NAT on the path (§4.3 test I).</summary>
    NoNat,

    /// <summary>One public endpoint for every destination (full-cone and restricted-cone NATs).</summary>
    EndpointIndependent,

    /// <summary>A new public endpoint for each destination address.</summary>
    AddressDependent,

    /// <summary>A new public endpoint for each destination address and port (a symmetric NAT).</summary>
    AddressAndPortDependent,
}

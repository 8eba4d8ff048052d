namespace WebRtcPS.Engine.Nat;

/// <summary>
/// Which inbound packets a NAT (or a stateful firewall) lets through to a mapped endpoint
/// (RFC 4787 §5), as the RFC 5780 §4.4 test measures it.
/// </summary>
public enum NatFilteringBehavior
{
    /// <summary>Not measured; the report's Reason says why.</summary>
    Unknown,

    /// <summary>From anyone, once the endpoint is mapped (full-cone, or no filter at all).</summary>
    EndpointIndependent,

    /// <summary>Only from addresses this endpoint has sent to, any port (address-restricted cone).</summary>
    AddressDependent,

    /// <summary>Only from address-and-port pairs this endpoint has sent to (port-restricted cone, symmetric).</summary>
    AddressAndPortDependent,
}

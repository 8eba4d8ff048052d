namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCIceRole (RFC 8445 §6.1.1): the controlling agent nominates the pair.</summary>
public enum RTCIceRole
{
    /// <summary>Nominates the selected pair (the offerer, normally).</summary>
    Controlling,
    /// <summary>Follows the controlling agent's nomination.</summary>
    Controlled,
}

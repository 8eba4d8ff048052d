namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCIceRole (RFC 8445 §6.1.1): the controlling agent nominates the pair.</summary>
public enum RTCIceRole
{
    Controlling,
    Controlled,
}

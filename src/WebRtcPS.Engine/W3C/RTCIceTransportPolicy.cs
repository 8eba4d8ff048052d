namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCIceTransportPolicy: use every candidate, or relayed ones only.</summary>
public enum RTCIceTransportPolicy
{
    All,
    Relay,
}

namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCIceTransportPolicy: use every candidate, or relayed ones only.</summary>
public enum RTCIceTransportPolicy
{
    /// <summary>Any candidate type may be used.</summary>
    All,
    /// <summary>Only relay (TURN) candidates are used, so no address of this host reaches the peer.</summary>
    Relay,
}

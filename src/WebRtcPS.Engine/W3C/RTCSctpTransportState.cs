namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCSctpTransportState (webrtc-pc §6.1.2): the public face of the SCTP layer's
/// internal RFC 9260 §4 association state.</summary>
public enum RTCSctpTransportState
{
    /// <summary>The association is being set up (INIT..COOKIE-ACK).</summary>
    Connecting,
    /// <summary>The association is established.</summary>
    Connected,
    /// <summary>The association is shut down or aborted.</summary>
    Closed,
}

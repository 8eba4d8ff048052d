namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCDtlsTransportState (webrtc-pc §5.5.1).</summary>
public enum RTCDtlsTransportState
{
    /// <summary>No handshake started yet.</summary>
    New,
    /// <summary>The handshake is running.</summary>
    Connecting,
    /// <summary>Handshake done and the peer's certificate matched its fingerprint.</summary>
    Connected,
    /// <summary>Closed by either side (close_notify sent or received).</summary>
    Closed,
    /// <summary>A handshake or record-layer error; the DTLS transport keeps it as its <c>Error</c>.</summary>
    Failed,
}

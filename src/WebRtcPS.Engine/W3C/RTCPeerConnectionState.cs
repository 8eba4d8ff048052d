namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCPeerConnectionState (webrtc-pc §4.3.3): ICE and DTLS together.</summary>
public enum RTCPeerConnectionState
{
    /// <summary>Nothing started yet.</summary>
    New,
    /// <summary>ICE or DTLS is connecting.</summary>
    Connecting,
    /// <summary>ICE and DTLS are connected.</summary>
    Connected,
    /// <summary>ICE lost consent on the selected pair; may recover.</summary>
    Disconnected,
    /// <summary>ICE or DTLS failed (FailureReason says why).</summary>
    Failed,
    /// <summary>Closed by the application.</summary>
    Closed,
}

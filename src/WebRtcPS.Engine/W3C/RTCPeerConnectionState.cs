namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCPeerConnectionState (webrtc-pc §4.3.3): ICE and DTLS together.</summary>
public enum RTCPeerConnectionState
{
    New,
    Connecting,
    Connected,
    Disconnected,
    Failed,
    Closed,
}

namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCIceConnectionState (webrtc-pc §4.3.4): the ICE transport's state.</summary>
public enum RTCIceConnectionState
{
    New,
    Checking,
    Connected,
    Completed,
    Disconnected,
    Failed,
    Closed,
}

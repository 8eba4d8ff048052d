namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCSignalingState (webrtc-pc §4.3.1).</summary>
public enum RTCSignalingState
{
    Stable,
    HaveLocalOffer,
    HaveRemoteOffer,
    HaveLocalPranswer,
    HaveRemotePranswer,
    Closed,
}

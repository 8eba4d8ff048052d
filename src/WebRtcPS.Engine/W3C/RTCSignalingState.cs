namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCSignalingState (webrtc-pc §4.3.1).</summary>
public enum RTCSignalingState
{
    /// <summary>No offer/answer exchange in progress.</summary>
    Stable,
    /// <summary>A local offer is applied; waiting for the answer.</summary>
    HaveLocalOffer,
    /// <summary>A remote offer is applied; an answer is to be created.</summary>
    HaveRemoteOffer,
    /// <summary>A local provisional answer is applied.</summary>
    HaveLocalPranswer,
    /// <summary>A remote provisional answer is applied.</summary>
    HaveRemotePranswer,
    /// <summary>The peer connection is closed.</summary>
    Closed,
}

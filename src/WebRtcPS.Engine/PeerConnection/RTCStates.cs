namespace WebRtcPS.Engine.PeerConnection;

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

/// <summary>Wire names of the W3C enums ("have-local-offer", ...).</summary>
public static class RTCStateNames
{
    public static string ToWireName(this RTCSignalingState state) => state switch
    {
        RTCSignalingState.Stable => "stable",
        RTCSignalingState.HaveLocalOffer => "have-local-offer",
        RTCSignalingState.HaveRemoteOffer => "have-remote-offer",
        RTCSignalingState.HaveLocalPranswer => "have-local-pranswer",
        RTCSignalingState.HaveRemotePranswer => "have-remote-pranswer",
        _ => "closed",
    };

    public static string ToWireName(this RTCPeerConnectionState state) => state.ToString().ToLowerInvariant();

    public static string ToWireName(this RTCIceConnectionState state) => state.ToString().ToLowerInvariant();
}

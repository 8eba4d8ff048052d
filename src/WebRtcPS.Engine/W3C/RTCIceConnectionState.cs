namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCIceConnectionState (webrtc-pc §4.3.4): the ICE transport's state.</summary>
public enum RTCIceConnectionState
{
    /// <summary>No checks yet.</summary>
    New,
    /// <summary>Checks in progress, no usable pair yet.</summary>
    Checking,
    /// <summary>A usable pair is selected.</summary>
    Connected,
    /// <summary>A pair is selected and checking is over.</summary>
    Completed,
    /// <summary>Consent on the selected pair is stale (RFC 7675); may recover.</summary>
    Disconnected,
    /// <summary>No pair works, or consent expired; needs an ICE restart.</summary>
    Failed,
    /// <summary>The peer connection is closed.</summary>
    Closed,
}

namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCDataChannelState.</summary>
public enum RTCDataChannelState
{
    Connecting,
    Open,
    Closing,
    Closed,
}

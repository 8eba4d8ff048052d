namespace WebRtcPS.Engine.DataChannels;

/// <summary>W3C RTCDataChannelState.</summary>
public enum RTCDataChannelState
{
    Connecting,
    Open,
    Closing,
    Closed,
}

namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCDataChannelState.</summary>
public enum RTCDataChannelState
{
    /// <summary>The channel is being opened (DCEP DATA_CHANNEL_OPEN sent, or SCTP not up yet).</summary>
    Connecting,
    /// <summary>Messages can be sent and received.</summary>
    Open,
    /// <summary>Its SCTP streams are being reset (RFC 8831 §6.7).</summary>
    Closing,
    /// <summary>Closed; it never reopens.</summary>
    Closed,
}

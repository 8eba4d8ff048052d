namespace WebRtcPS.Engine.Dtls;

/// <summary>The W3C <c>RTCDtlsTransportState</c>.</summary>
public enum RTCDtlsTransportState
{
    New,
    Connecting,
    Connected,
    /// <summary>Closed by either side (close_notify sent or received).</summary>
    Closed,
    /// <summary>A handshake or record-layer error; see <see cref="DtlsTransport.Error"/>.</summary>
    Failed,
}

namespace WebRtcPS.Engine.W3C;

/// <summary>
/// Which side of the DTLS handshake this endpoint plays (W3C <c>RTCDtlsRole</c>, webrtc-stats §8.6). It follows the
/// SDP <c>a=setup</c> attribute (RFC 8842 §5): <c>active</c> connects (client), <c>passive</c>
/// accepts (server).
/// </summary>
public enum DtlsRole
{
    /// <summary>Sends the ClientHello (<c>a=setup:active</c>).</summary>
    Client,

    /// <summary>Waits for the ClientHello (<c>a=setup:passive</c>).</summary>
    Server,
}

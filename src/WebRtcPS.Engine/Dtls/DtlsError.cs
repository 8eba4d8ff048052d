namespace WebRtcPS.Engine.Dtls;

/// <summary>Why a DTLS handshake or connection failed.</summary>
internal enum DtlsError
{
    /// <summary>The peer's certificate does not match the fingerprints from its SDP.</summary>
    FingerprintMismatch,

    /// <summary>No handshake completed within the configured timeout (peer silent or unreachable).</summary>
    HandshakeTimeout,

    /// <summary>The peer sent a fatal alert; see <see cref="DtlsException.Alert"/>.</summary>
    AlertReceived,

    /// <summary>This side sent a fatal alert; see <see cref="DtlsException.Alert"/>.</summary>
    AlertSent,

    /// <summary>The transport underneath (ICE) closed or failed.</summary>
    TransportClosed,

    /// <summary>Any other handshake or record-layer failure.</summary>
    ProtocolError,
}

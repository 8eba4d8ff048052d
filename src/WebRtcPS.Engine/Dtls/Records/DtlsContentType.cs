namespace WebRtcPS.Engine.Dtls;

/// <summary>The record layer's content types (RFC 5246 §6.2.1, unchanged by RFC 6347 §4.1). Other
/// values (heartbeat, tls12_cid) are never negotiated by our peers, so a header carrying them
/// does not parse.</summary>
internal enum DtlsContentType : byte
{
    ChangeCipherSpec = 20,
    Alert = 21,
    Handshake = 22,
    ApplicationData = 23,
}

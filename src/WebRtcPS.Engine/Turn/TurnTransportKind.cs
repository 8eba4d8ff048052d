namespace WebRtcPS.Engine.Turn;

/// <summary>How the client reaches the TURN server (RFC 8656 §3.1). The relayed transport is always UDP.</summary>
internal enum TurnTransportKind
{
    Udp,
    Tcp,
    Tls,
}

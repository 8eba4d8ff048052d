namespace WebRtcPS.Engine.Sctp;

/// <summary>SCTP chunk types (RFC 9260 §3.2, RFC 3758 §3.2, RFC 6525 §3.1).</summary>
/// <remarks>The upper two bits of an unknown type say what a receiver does (RFC 9260 §3.2):
/// 00 stop and discard the packet; 01 stop, discard, report; 10 skip; 11 skip and report.</remarks>
internal enum ChunkType : byte
{
    Data = 0,
    Init = 1,
    InitAck = 2,
    Sack = 3,
    Heartbeat = 4,
    HeartbeatAck = 5,
    Abort = 6,
    Shutdown = 7,
    ShutdownAck = 8,
    Error = 9,
    CookieEcho = 10,
    CookieAck = 11,
    ShutdownComplete = 14,
    ReConfig = 130,
    ForwardTsn = 192,
}

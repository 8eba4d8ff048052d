namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The AES-GCM part of a TLS 1.2 key block (RFC 5246 §6.3, RFC 5288 §3): each side's write key
/// (16 or 32 bytes) and the 4-byte fixed part of its nonce (the "salt"; the other 8 bytes are the
/// explicit nonce carried in each record).
/// </summary>
internal sealed record TlsKeyBlock(byte[] ClientWriteKey, byte[] ServerWriteKey, byte[] ClientWriteIv, byte[] ServerWriteIv);

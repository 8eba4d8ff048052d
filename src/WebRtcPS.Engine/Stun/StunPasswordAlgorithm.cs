namespace WebRtcPS.Engine.Stun;

/// <summary>Long-term credential key derivations (RFC 8489 §18.5).</summary>
internal enum StunPasswordAlgorithm : ushort
{
    Md5 = 0x0001,
    Sha256 = 0x0002,
}

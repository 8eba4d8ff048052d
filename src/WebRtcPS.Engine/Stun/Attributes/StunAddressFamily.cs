namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>Address family codes of STUN address attributes (RFC 8489 §14.1) and of
/// REQUESTED-/ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.6). Other values are representable.</summary>
internal enum StunAddressFamily : byte
{
    IPv4 = 0x01,
    IPv6 = 0x02,
}

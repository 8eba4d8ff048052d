namespace WebRtcPS.Engine.Stun;

/// <summary>
/// The 12-bit STUN method (RFC 8489 §18.2; TURN methods from RFC 8656 §17). Values not listed
/// here are still representable: the codec carries any 12-bit method.
/// </summary>
internal enum StunMethod : ushort
{
    Binding = 0x001,
    Allocate = 0x003,
    Refresh = 0x004,
    Send = 0x006,
    Data = 0x007,
    CreatePermission = 0x008,
    ChannelBind = 0x009,
}

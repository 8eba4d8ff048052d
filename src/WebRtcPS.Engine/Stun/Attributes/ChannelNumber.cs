using System.Buffers.Binary;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// CHANNEL-NUMBER (RFC 8656 §18.1): the channel a ChannelBind binds.
/// <code>
/// |        Channel Number         |         RFFU = 0              |
/// </code>
/// Any 16-bit number parses, so a server can answer an out-of-range one with 400 (§12.2).
/// </summary>
internal readonly record struct ChannelNumber(ushort Number) : IStunAttribute<ChannelNumber>
{
    /// <summary>Channel numbers a client may bind: 0x4000-0x4FFF (RFC 8656 §12).</summary>
    public const ushort Min = 0x4000, Max = 0x4FFF;

    public static StunAttributeType AttributeType => StunAttributeType.ChannelNumber;

    public bool IsInValidRange => Number is >= Min and <= Max;

    public int EncodedLength => 4;

    public int Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, Number);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], 0);
        return 4;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out ChannelNumber attribute)
    {
        attribute = default;
        if (value.Length != 4) return false;
        attribute = new ChannelNumber(BinaryPrimitives.ReadUInt16BigEndian(value));
        return true;
    }
}

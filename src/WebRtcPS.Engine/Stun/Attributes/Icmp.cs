using System.Buffers.Binary;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// ICMP (RFC 8656 §18.13): in a Data indication, the ICMP error that made the server drop a
/// packet to the peer. Bit layout as drawn in the RFC: 16 reserved bits, a 7-bit type and a
/// 9-bit code, then 4 bytes of error data (the next-hop MTU for "packet too big").
/// <code>
/// |           Reserved            |  ICMP Type  |    ICMP Code    |
/// |                          Error Data                           |
/// </code>
/// </summary>
internal readonly record struct Icmp(byte IcmpType, ushort IcmpCode, uint ErrorData) : IStunAttribute<Icmp>
{
    public static StunAttributeType AttributeType => StunAttributeType.Icmp;

    public int EncodedLength => 8;

    public int Write(Span<byte> destination)
    {
        if (IcmpType > 0x7F || IcmpCode > 0x1FF) throw new InvalidOperationException("ICMP type has 7 bits and code 9 bits.");
        BinaryPrimitives.WriteUInt16BigEndian(destination, 0);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((IcmpType << 9) | IcmpCode));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ErrorData);
        return 8;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out Icmp attribute)
    {
        attribute = default;
        if (value.Length != 8) return false;
        ushort typeAndCode = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        attribute = new Icmp((byte)(typeAndCode >> 9), (ushort)(typeAndCode & 0x1FF), BinaryPrimitives.ReadUInt32BigEndian(value[4..]));
        return true;
    }
}

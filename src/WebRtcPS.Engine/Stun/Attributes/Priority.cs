using System.Buffers.Binary;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>PRIORITY (RFC 8445 §7.1.1): the priority a peer-reflexive candidate learned from this check would get.</summary>
internal readonly record struct Priority(uint Value) : IStunAttribute<Priority>
{
    public static StunAttributeType AttributeType => StunAttributeType.Priority;

    public int EncodedLength => 4;

    public int Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Value);
        return 4;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out Priority attribute)
    {
        attribute = default;
        if (value.Length != 4) return false;
        attribute = new Priority(BinaryPrimitives.ReadUInt32BigEndian(value));
        return true;
    }
}

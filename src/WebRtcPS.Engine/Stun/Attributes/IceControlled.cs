using System.Buffers.Binary;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>ICE-CONTROLLED (RFC 8445 §7.1.3): the sender believes it is controlled; the value is its tie-breaker for role conflicts (§7.3.1.1).</summary>
internal readonly record struct IceControlled(ulong TieBreaker) : IStunAttribute<IceControlled>
{
    public static StunAttributeType AttributeType => StunAttributeType.IceControlled;

    public int EncodedLength => 8;

    public int Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, TieBreaker);
        return 8;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out IceControlled attribute)
    {
        attribute = default;
        if (value.Length != 8) return false;
        attribute = new IceControlled(BinaryPrimitives.ReadUInt64BigEndian(value));
        return true;
    }
}

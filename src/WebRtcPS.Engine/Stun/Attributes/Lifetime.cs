using System.Buffers.Binary;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>LIFETIME (RFC 8656 §18.2): seconds until the allocation expires; 0 in a Refresh deletes it.</summary>
internal readonly record struct Lifetime(uint Seconds) : IStunAttribute<Lifetime>
{
    public static StunAttributeType AttributeType => StunAttributeType.Lifetime;

    public int EncodedLength => 4;

    public int Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Seconds);
        return 4;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out Lifetime attribute)
    {
        attribute = default;
        if (value.Length != 4) return false;
        attribute = new Lifetime(BinaryPrimitives.ReadUInt32BigEndian(value));
        return true;
    }
}

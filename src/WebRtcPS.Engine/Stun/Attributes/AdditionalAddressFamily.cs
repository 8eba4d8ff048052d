namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11): asks for a second, IPv6, relayed address besides the IPv4 one; only IPv6 is meaningful.
/// <code>
/// |     Family    |            Reserved                           |
/// </code>
/// </summary>
internal readonly record struct AdditionalAddressFamily(StunAddressFamily Family) : IStunAttribute<AdditionalAddressFamily>
{
    public static StunAttributeType AttributeType => StunAttributeType.AdditionalAddressFamily;

    public int EncodedLength => 4;

    public int Write(Span<byte> destination)
    {
        destination[0] = (byte)Family;
        destination[1..4].Clear();
        return 4;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out AdditionalAddressFamily attribute)
    {
        attribute = default;
        if (value.Length != 4) return false;
        attribute = new AdditionalAddressFamily((StunAddressFamily)value[0]);
        return true;
    }
}

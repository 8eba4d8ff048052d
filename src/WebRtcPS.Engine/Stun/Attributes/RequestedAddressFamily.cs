namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6): the family of relayed address the client wants. Unknown families parse, so the server can answer 440.
/// <code>
/// |     Family    |            Reserved                           |
/// </code>
/// </summary>
internal readonly record struct RequestedAddressFamily(StunAddressFamily Family) : IStunAttribute<RequestedAddressFamily>
{
    public static StunAttributeType AttributeType => StunAttributeType.RequestedAddressFamily;

    public int EncodedLength => 4;

    public int Write(Span<byte> destination)
    {
        destination[0] = (byte)Family;
        destination[1..4].Clear();
        return 4;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out RequestedAddressFamily attribute)
    {
        attribute = default;
        if (value.Length != 4) return false;
        attribute = new RequestedAddressFamily((StunAddressFamily)value[0]);
        return true;
    }
}

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// REQUESTED-TRANSPORT (RFC 8656 §18.8): the IP protocol between server and peer; 17 (UDP) or,
/// with RFC 6062, 6 (TCP). Other values parse, so the server can answer 442.
/// <code>
/// |    Protocol   |                    RFFU                       |
/// </code>
/// </summary>
internal readonly record struct RequestedTransport(byte Protocol) : IStunAttribute<RequestedTransport>
{
    public const byte Udp = 17;
    public const byte Tcp = 6;

    public static StunAttributeType AttributeType => StunAttributeType.RequestedTransport;

    public int EncodedLength => 4;

    public int Write(Span<byte> destination)
    {
        destination[0] = Protocol;
        destination[1..4].Clear();
        return 4;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out RequestedTransport attribute)
    {
        attribute = default;
        if (value.Length != 4) return false;
        attribute = new RequestedTransport(value[0]);
        return true;
    }
}

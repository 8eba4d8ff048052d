namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// EVEN-PORT (RFC 8656 §18.7): asks for an even relayed port and, with R set, that the next
/// port be reserved too. One byte, padded to four on the wire.
/// <code>
/// |R|    RFFU     |
/// </code>
/// </summary>
internal readonly record struct EvenPort(bool ReserveNextPort) : IStunAttribute<EvenPort>
{
    public static StunAttributeType AttributeType => StunAttributeType.EvenPort;

    public int EncodedLength => 1;

    public int Write(Span<byte> destination)
    {
        destination[0] = ReserveNextPort ? (byte)0x80 : (byte)0;
        return 1;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out EvenPort attribute)
    {
        attribute = default;
        if (value.Length != 1) return false;
        attribute = new EvenPort((value[0] & 0x80) != 0);
        return true;
    }
}

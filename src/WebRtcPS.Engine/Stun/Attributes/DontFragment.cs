namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>DONT-FRAGMENT (RFC 8656 §18.9): no value; asks the server to set the DF bit on packets relayed to the peer.</summary>
internal readonly record struct DontFragment : IStunAttribute<DontFragment>
{
    public static StunAttributeType AttributeType => StunAttributeType.DontFragment;

    public int EncodedLength => 0;

    public int Write(Span<byte> destination) => 0;

    public static bool TryParse(ReadOnlySpan<byte> value, out DontFragment attribute)
    {
        attribute = default;
        return value.IsEmpty;
    }
}

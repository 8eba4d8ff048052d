namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>USE-CANDIDATE (RFC 8445 §7.1.2): no value; the controlling agent nominates the pair this check is sent on.</summary>
internal readonly record struct UseCandidate : IStunAttribute<UseCandidate>
{
    public static StunAttributeType AttributeType => StunAttributeType.UseCandidate;

    public int EncodedLength => 0;

    public int Write(Span<byte> destination) => 0;

    public static bool TryParse(ReadOnlySpan<byte> value, out UseCandidate attribute)
    {
        attribute = default;
        return value.IsEmpty;
    }
}

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>ALTERNATE-DOMAIN (RFC 8489 §14.16): the TLS server name to use with ALTERNATE-SERVER.</summary>
internal readonly record struct AlternateDomain : IStunAttribute<AlternateDomain>
{
    public AlternateDomain(string value) => Value = StunText.Validate(value, StunText.MaxBytes, false, nameof(value));

    private AlternateDomain(string value, bool _) => Value = value;

    public string Value { get; }

    public static StunAttributeType AttributeType => StunAttributeType.AlternateDomain;

    public int EncodedLength => StunText.ByteCount(Value ?? "");

    public int Write(Span<byte> destination) => StunText.Write(Value ?? "", destination);

    public static bool TryParse(ReadOnlySpan<byte> value, out AlternateDomain attribute)
    {
        bool ok = StunText.TryDecode(value, StunText.MaxBytes, out var text);
        attribute = new AlternateDomain(text, false);
        return ok;
    }

    public override string ToString() => Value ?? "";
}

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>SOFTWARE (RFC 8489 §14.14): a textual description of the agent's software, for diagnosis only.</summary>
internal readonly record struct Software : IStunAttribute<Software>
{
    public Software(string value) => Value = StunText.Validate(value, StunText.MaxBytes, true, nameof(value));

    private Software(string value, bool _) => Value = value;

    public string Value { get; }

    public static StunAttributeType AttributeType => StunAttributeType.Software;

    public int EncodedLength => StunText.ByteCount(Value ?? "");

    public int Write(Span<byte> destination) => StunText.Write(Value ?? "", destination);

    public static bool TryParse(ReadOnlySpan<byte> value, out Software attribute)
    {
        bool ok = StunText.TryDecode(value, StunText.MaxBytes, out var text);
        attribute = new Software(text, false);
        return ok;
    }

    public override string ToString() => Value ?? "";
}

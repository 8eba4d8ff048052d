namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>REALM (RFC 8489 §14.9): the long-term credential realm; its presence in a request means long-term credentials are in use.</summary>
internal readonly record struct Realm : IStunAttribute<Realm>
{
    public Realm(string value) => Value = StunText.Validate(value, StunText.MaxBytes, true, nameof(value));

    private Realm(string value, bool _) => Value = value;

    public string Value { get; }

    public static StunAttributeType AttributeType => StunAttributeType.Realm;

    public int EncodedLength => StunText.ByteCount(Value ?? "");

    public int Write(Span<byte> destination) => StunText.Write(Value ?? "", destination);

    public static bool TryParse(ReadOnlySpan<byte> value, out Realm attribute)
    {
        bool ok = StunText.TryDecode(value, StunText.MaxBytes, out var text);
        attribute = new Realm(text, false);
        return ok;
    }

    public override string ToString() => Value ?? "";
}

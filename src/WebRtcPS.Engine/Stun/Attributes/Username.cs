namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>USERNAME (RFC 8489 §14.3): the user name and, in ICE, "remote-ufrag:local-ufrag" (RFC 8445 §7.2.2); fewer than 509 UTF-8 bytes.</summary>
internal readonly record struct Username : IStunAttribute<Username>
{
    public Username(string value) => Value = StunText.Validate(value, 508, false, nameof(value));

    private Username(string value, bool _) => Value = value;

    public string Value { get; }

    public static StunAttributeType AttributeType => StunAttributeType.Username;

    public int EncodedLength => StunText.ByteCount(Value ?? "");

    public int Write(Span<byte> destination) => StunText.Write(Value ?? "", destination);

    public static bool TryParse(ReadOnlySpan<byte> value, out Username attribute)
    {
        bool ok = StunText.TryDecode(value, 512, out var text);
        attribute = new Username(text, false);
        return ok;
    }

    public override string ToString() => Value ?? "";
}

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>NONCE (RFC 8489 §14.10): the server's opaque nonce, echoed by the client; RFC 8489 servers may prefix it with the nonce cookie "obMatJos2" and security feature bits (§9.2).</summary>
internal readonly record struct Nonce : IStunAttribute<Nonce>
{
    public Nonce(string value) => Value = StunText.Validate(value, StunText.MaxBytes, true, nameof(value));

    private Nonce(string value, bool _) => Value = value;

    public string Value { get; }

    public static StunAttributeType AttributeType => StunAttributeType.Nonce;

    public int EncodedLength => StunText.ByteCount(Value ?? "");

    public int Write(Span<byte> destination) => StunText.Write(Value ?? "", destination);

    public static bool TryParse(ReadOnlySpan<byte> value, out Nonce attribute)
    {
        bool ok = StunText.TryDecode(value, StunText.MaxBytes, out var text);
        attribute = new Nonce(text, false);
        return ok;
    }

    public override string ToString() => Value ?? "";
}

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6): HMAC-SHA256 of the message up to this attribute, possibly truncated to its leftmost 16-32 bytes (a multiple of 4).</summary>
internal readonly struct MessageIntegritySha256 : IStunAttribute<MessageIntegritySha256>, IEquatable<MessageIntegritySha256>
{
    public MessageIntegritySha256(ReadOnlyMemory<byte> value)
    {
        if (!IsValidLength(value.Length)) throw new ArgumentException("Invalid length for MessageIntegritySha256.", nameof(value));
        Value = value;
    }

    public const int MinLength = 16;
    public const int MaxLength = 32;

    /// <summary>HMAC-SHA256 of <paramref name="covered"/>, truncated to the length of
    /// <paramref name="destination"/> (RFC 8489 §14.6 keeps the leftmost bytes).</summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> covered, Span<byte> destination)
    {
        Span<byte> full = stackalloc byte[MaxLength];
        System.Security.Cryptography.HMACSHA256.HashData(key, covered, full);
        full[..destination.Length].CopyTo(destination);
    }

    /// <summary>Checks the first MESSAGE-INTEGRITY-SHA256, in constant time. A value not 16-32
    /// bytes or not a multiple of 4 is <see cref="StunIntegrityStatus.Invalid"/> (§14.6).</summary>
    public static StunIntegrityStatus Verify(StunMessage message, ReadOnlySpan<byte> key)
    {
        var raw = message.Raw.Span;
        if (!StunIntegrityPrefix.TryLocate(raw, StunAttributeType.MessageIntegritySha256, out int offset, out int length)) return StunIntegrityStatus.Missing;
        if (!IsValidLength(length)) return StunIntegrityStatus.Invalid;
        Span<byte> expected = stackalloc byte[length];
        Compute(key, StunIntegrityPrefix.Covered(raw, offset, length), expected);
        var actual = raw.Slice(offset + StunAttribute.HeaderLength, length);
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, actual) ? StunIntegrityStatus.Valid : StunIntegrityStatus.Invalid;
    }

    public ReadOnlyMemory<byte> Value { get; }

    public static StunAttributeType AttributeType => StunAttributeType.MessageIntegritySha256;

    public static bool IsValidLength(int length) => length is >= MinLength and <= MaxLength && length % 4 == 0;

    public int EncodedLength => Value.Length;

    public int Write(Span<byte> destination)
    {
        Value.Span.CopyTo(destination);
        return Value.Length;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out MessageIntegritySha256 attribute)
    {
        attribute = default;
        if (!IsValidLength(value.Length)) return false;
        attribute = new MessageIntegritySha256(value.ToArray());
        return true;
    }

    public bool Equals(MessageIntegritySha256 other) => Value.Span.SequenceEqual(other.Value.Span);
    public override bool Equals(object? obj) => obj is MessageIntegritySha256 other && Equals(other);
    public override int GetHashCode() => Value.Length;
    public static bool operator ==(MessageIntegritySha256 left, MessageIntegritySha256 right) => left.Equals(right);
    public static bool operator !=(MessageIntegritySha256 left, MessageIntegritySha256 right) => !left.Equals(right);
}

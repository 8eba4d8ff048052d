namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 of the message up to this attribute, with the header length counting it. Use <see cref="StunMessageBuilder.AddMessageIntegrity"/> to send and <see cref="Verify"/> to check.</summary>
internal readonly struct MessageIntegrity : IStunAttribute<MessageIntegrity>, IEquatable<MessageIntegrity>
{
    public MessageIntegrity(ReadOnlyMemory<byte> value)
    {
        if (!IsValidLength(value.Length)) throw new ArgumentException("Invalid length for MessageIntegrity.", nameof(value));
        Value = value;
    }

    public const int Length = 20;

    /// <summary>HMAC-SHA1 of <paramref name="covered"/> (the message up to this attribute, its
    /// length field already counting the 24-byte attribute) into <paramref name="destination"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> covered, Span<byte> destination) =>
#pragma warning disable CA5350 // MESSAGE-INTEGRITY is HMAC-SHA1 by definition (RFC 8489 §14.5)
        System.Security.Cryptography.HMACSHA1.HashData(key, covered, destination);
#pragma warning restore CA5350

    /// <summary>Checks the first MESSAGE-INTEGRITY of a received message, in constant time.</summary>
    public static StunIntegrityStatus Verify(StunMessage message, ReadOnlySpan<byte> key)
    {
        var raw = message.Raw.Span;
        if (!StunIntegrityPrefix.TryLocate(raw, StunAttributeType.MessageIntegrity, out int offset, out int length)) return StunIntegrityStatus.Missing;
        if (length != Length) return StunIntegrityStatus.Invalid;
        Span<byte> expected = stackalloc byte[Length];
        Compute(key, StunIntegrityPrefix.Covered(raw, offset, length), expected);
        var actual = raw.Slice(offset + StunAttribute.HeaderLength, Length);
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, actual) ? StunIntegrityStatus.Valid : StunIntegrityStatus.Invalid;
    }

    public ReadOnlyMemory<byte> Value { get; }

    public static StunAttributeType AttributeType => StunAttributeType.MessageIntegrity;

    public static bool IsValidLength(int length) => length == Length;

    public int EncodedLength => Value.Length;

    public int Write(Span<byte> destination)
    {
        Value.Span.CopyTo(destination);
        return Value.Length;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out MessageIntegrity attribute)
    {
        attribute = default;
        if (!IsValidLength(value.Length)) return false;
        attribute = new MessageIntegrity(value.ToArray());
        return true;
    }

    public bool Equals(MessageIntegrity other) => Value.Span.SequenceEqual(other.Value.Span);
    public override bool Equals(object? obj) => obj is MessageIntegrity other && Equals(other);
    public override int GetHashCode() => Value.Length;
    public static bool operator ==(MessageIntegrity left, MessageIntegrity right) => left.Equals(right);
    public static bool operator !=(MessageIntegrity left, MessageIntegrity right) => !left.Equals(right);
}

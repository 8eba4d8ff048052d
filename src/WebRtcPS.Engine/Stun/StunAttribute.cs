namespace WebRtcPS.Engine.Stun;

/// <summary>
/// One attribute as it appears in a message (RFC 8489 §14): a type and its value, without the
/// padding. Typed views are read with <see cref="StunMessage.TryGet{T}"/>.
/// <code>
///  0                   1                   2                   3
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Type                  |            Length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Value (variable), padded to 4 bytes ....
/// </code>
/// </summary>
internal readonly struct StunAttribute : IEquatable<StunAttribute>
{
    public const int HeaderLength = 4;

    public StunAttribute(StunAttributeType type, ReadOnlyMemory<byte> value)
    {
        if (value.Length > ushort.MaxValue) throw new ArgumentException("An attribute value is at most 65535 bytes.", nameof(value));
        Type = type;
        Value = value;
    }

    public StunAttributeType Type { get; }
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>Bytes on the wire: header, value and padding to a multiple of 4.</summary>
    public int EncodedLength => HeaderLength + PaddedLength(Value.Length);

    public static int PaddedLength(int length) => (length + 3) & ~3;

    public bool Equals(StunAttribute other) => Type == other.Type && Value.Span.SequenceEqual(other.Value.Span);
    public override bool Equals(object? obj) => obj is StunAttribute other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(Type, Value.Length);
    public static bool operator ==(StunAttribute left, StunAttribute right) => left.Equals(right);
    public static bool operator !=(StunAttribute left, StunAttribute right) => !left.Equals(right);

    public override string ToString() => $"{Type} ({Value.Length} bytes)";
}

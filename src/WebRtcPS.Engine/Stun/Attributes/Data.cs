namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>DATA (RFC 8656 §18.4): the application payload of a Send or Data indication.</summary>
internal readonly struct Data : IStunAttribute<Data>, IEquatable<Data>
{
    public Data(ReadOnlyMemory<byte> value)
    {
        if (!IsValidLength(value.Length)) throw new ArgumentException("Invalid length for Data.", nameof(value));
        Value = value;
    }

    public ReadOnlyMemory<byte> Value { get; }

    public static StunAttributeType AttributeType => StunAttributeType.Data;

    public static bool IsValidLength(int length) => length <= ushort.MaxValue;

    public int EncodedLength => Value.Length;

    public int Write(Span<byte> destination)
    {
        Value.Span.CopyTo(destination);
        return Value.Length;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out Data attribute)
    {
        attribute = default;
        if (!IsValidLength(value.Length)) return false;
        attribute = new Data(value.ToArray());
        return true;
    }

    public bool Equals(Data other) => Value.Span.SequenceEqual(other.Value.Span);
    public override bool Equals(object? obj) => obj is Data other && Equals(other);
    public override int GetHashCode() => Value.Length;
    public static bool operator ==(Data left, Data right) => left.Equals(right);
    public static bool operator !=(Data left, Data right) => !left.Equals(right);
}

using System.Buffers.Binary;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): in a 420 response, the comprehension-required
/// attribute types the server did not understand, 16 bits each.
/// </summary>
internal readonly struct UnknownAttributes : IStunAttribute<UnknownAttributes>, IEquatable<UnknownAttributes>
{
    private readonly StunAttributeType[]? _types;

    public UnknownAttributes(IEnumerable<StunAttributeType> types)
    {
        _types = types.ToArray();
        if (_types.Length * 2 > ushort.MaxValue) throw new ArgumentException("Too many attribute types.", nameof(types));
    }

    public IReadOnlyList<StunAttributeType> Types => _types ?? [];

    public static StunAttributeType AttributeType => StunAttributeType.UnknownAttributes;

    public int EncodedLength => Types.Count * 2;

    public int Write(Span<byte> destination)
    {
        var types = Types;
        for (int i = 0; i < types.Count; i++) BinaryPrimitives.WriteUInt16BigEndian(destination[(2 * i)..], (ushort)types[i]);
        return types.Count * 2;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out UnknownAttributes attribute)
    {
        attribute = default;
        if ((value.Length & 1) != 0) return false;
        var types = new StunAttributeType[value.Length / 2];
        for (int i = 0; i < types.Length; i++) types[i] = (StunAttributeType)BinaryPrimitives.ReadUInt16BigEndian(value[(2 * i)..]);
        attribute = new UnknownAttributes(types);
        return true;
    }

    public bool Equals(UnknownAttributes other) => Types.SequenceEqual(other.Types);
    public override bool Equals(object? obj) => obj is UnknownAttributes other && Equals(other);
    public override int GetHashCode() => Types.Count;
    public static bool operator ==(UnknownAttributes left, UnknownAttributes right) => left.Equals(right);
    public static bool operator !=(UnknownAttributes left, UnknownAttributes right) => !left.Equals(right);
}

using System.Buffers.Binary;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// PASSWORD-ALGORITHM (RFC 8489 §14.12): the algorithm the client chose from the server's
/// PASSWORD-ALGORITHMS. Also one entry of that list.
/// <code>
/// |          Algorithm            |  Algorithm Parameters Length  |
/// |                    Algorithm Parameters (variable)
/// </code>
/// MD5 and SHA-256 have no parameters.
/// </summary>
internal readonly struct PasswordAlgorithm : IStunAttribute<PasswordAlgorithm>, IEquatable<PasswordAlgorithm>
{
    public PasswordAlgorithm(StunPasswordAlgorithm algorithm, ReadOnlyMemory<byte> parameters = default)
    {
        if (parameters.Length > ushort.MaxValue - 8) throw new ArgumentException("Parameters too long.", nameof(parameters));
        Algorithm = algorithm;
        Parameters = parameters;
    }

    public StunPasswordAlgorithm Algorithm { get; }
    public ReadOnlyMemory<byte> Parameters { get; }

    public static StunAttributeType AttributeType => StunAttributeType.PasswordAlgorithm;

    public int EncodedLength => 4 + Parameters.Length;

    /// <summary>Bytes as an entry of PASSWORD-ALGORITHMS, where parameters are padded to 4.</summary>
    internal int PaddedLength => 4 + StunAttribute.PaddedLength(Parameters.Length);

    public int Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)Algorithm);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)Parameters.Length);
        Parameters.Span.CopyTo(destination[4..]);
        return EncodedLength;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out PasswordAlgorithm attribute)
    {
        // Alone, the attribute's own padding follows; tolerate parameters padded inside too.
        if (TryReadEntry(value, out attribute, out int consumed) && (consumed == value.Length || attribute.EncodedLength == value.Length)) return true;
        attribute = default;
        return false;
    }

    /// <summary>Reads one entry; <paramref name="consumed"/> includes the parameter padding.</summary>
    internal static bool TryReadEntry(ReadOnlySpan<byte> value, out PasswordAlgorithm entry, out int consumed)
    {
        entry = default;
        consumed = 0;
        if (value.Length < 4) return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        if (4 + length > value.Length) return false;
        entry = new PasswordAlgorithm((StunPasswordAlgorithm)BinaryPrimitives.ReadUInt16BigEndian(value), value.Slice(4, length).ToArray());
        consumed = Math.Min(value.Length, 4 + StunAttribute.PaddedLength(length));
        return true;
    }

    public bool Equals(PasswordAlgorithm other) => Algorithm == other.Algorithm && Parameters.Span.SequenceEqual(other.Parameters.Span);
    public override bool Equals(object? obj) => obj is PasswordAlgorithm other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(Algorithm, Parameters.Length);
    public static bool operator ==(PasswordAlgorithm left, PasswordAlgorithm right) => left.Equals(right);
    public static bool operator !=(PasswordAlgorithm left, PasswordAlgorithm right) => !left.Equals(right);
    public override string ToString() => Algorithm.ToString();
}

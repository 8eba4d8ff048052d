namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// PASSWORD-ALGORITHMS (RFC 8489 §14.11): the server's supported algorithms in preference
/// order, each as a PASSWORD-ALGORITHM entry with its parameters padded to 4 bytes.
/// </summary>
internal readonly struct PasswordAlgorithms : IStunAttribute<PasswordAlgorithms>, IEquatable<PasswordAlgorithms>
{
    private readonly PasswordAlgorithm[]? _algorithms;

    public PasswordAlgorithms(IEnumerable<PasswordAlgorithm> algorithms) => _algorithms = algorithms.ToArray();

    public IReadOnlyList<PasswordAlgorithm> Algorithms => _algorithms ?? [];

    public static StunAttributeType AttributeType => StunAttributeType.PasswordAlgorithms;

    public int EncodedLength => Algorithms.Sum(a => a.PaddedLength);

    public int Write(Span<byte> destination)
    {
        int offset = 0;
        foreach (var algorithm in Algorithms)
        {
            int written = algorithm.Write(destination[offset..]);
            destination.Slice(offset + written, algorithm.PaddedLength - written).Clear();
            offset += algorithm.PaddedLength;
        }
        return offset;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out PasswordAlgorithms attribute)
    {
        attribute = default;
        var list = new List<PasswordAlgorithm>();
        while (!value.IsEmpty)
        {
            if (!PasswordAlgorithm.TryReadEntry(value, out var entry, out int consumed)) return false;
            list.Add(entry);
            value = value[consumed..];
        }
        attribute = new PasswordAlgorithms(list);
        return true;
    }

    public bool Equals(PasswordAlgorithms other) => Algorithms.SequenceEqual(other.Algorithms);
    public override bool Equals(object? obj) => obj is PasswordAlgorithms other && Equals(other);
    public override int GetHashCode() => Algorithms.Count;
    public static bool operator ==(PasswordAlgorithms left, PasswordAlgorithms right) => left.Equals(right);
    public static bool operator !=(PasswordAlgorithms left, PasswordAlgorithms right) => !left.Equals(right);
}

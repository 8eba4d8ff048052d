namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>USERHASH (RFC 8489 §14.4): SHA-256(OpaqueString(username) ":" OpaqueString(realm)), sent instead of USERNAME for anonymity.</summary>
internal readonly struct UserHash : IStunAttribute<UserHash>, IEquatable<UserHash>
{
    public UserHash(ReadOnlyMemory<byte> value)
    {
        if (!IsValidLength(value.Length)) throw new ArgumentException("Invalid length for UserHash.", nameof(value));
        Value = value;
    }

    public const int Length = 32;

    /// <summary>SHA-256 of "username:realm" (RFC 8489 §14.4; SASLprep simplified as in <see cref="StunCredentials"/>).</summary>
    public static UserHash Compute(string username, string realm) =>
        new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(StunSaslPrep.Prepare(username) + ":" + StunSaslPrep.Prepare(realm))));

    public ReadOnlyMemory<byte> Value { get; }

    public static StunAttributeType AttributeType => StunAttributeType.UserHash;

    public static bool IsValidLength(int length) => length == Length;

    public int EncodedLength => Value.Length;

    public int Write(Span<byte> destination)
    {
        Value.Span.CopyTo(destination);
        return Value.Length;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out UserHash attribute)
    {
        attribute = default;
        if (!IsValidLength(value.Length)) return false;
        attribute = new UserHash(value.ToArray());
        return true;
    }

    public bool Equals(UserHash other) => Value.Span.SequenceEqual(other.Value.Span);
    public override bool Equals(object? obj) => obj is UserHash other && Equals(other);
    public override int GetHashCode() => Value.Length;
    public static bool operator ==(UserHash left, UserHash right) => left.Equals(right);
    public static bool operator !=(UserHash left, UserHash right) => !left.Equals(right);
}

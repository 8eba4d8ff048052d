namespace WebRtcPS.Engine.Stun;

/// <summary>
/// A typed attribute value codec: the value only, without the 4-byte TLV header or padding
/// (those belong to <see cref="StunMessageBuilder"/> and <see cref="StunMessage"/>).
/// </summary>
internal interface IStunAttribute<TSelf> where TSelf : IStunAttribute<TSelf>
{
    static abstract StunAttributeType AttributeType { get; }

    /// <summary>Length of the value in bytes, without padding.</summary>
    int EncodedLength { get; }

    /// <summary>Writes the value and returns <see cref="EncodedLength"/>.</summary>
    int Write(Span<byte> destination);

    /// <summary>Parses a value; malformed input returns false and never throws.</summary>
    static abstract bool TryParse(ReadOnlySpan<byte> value, out TSelf attribute);
}

/// <summary>
/// An address attribute obfuscated with the magic cookie and transaction id (RFC 8489 §14.2),
/// so its codec needs the transaction id.
/// </summary>
internal interface IStunXorAddressAttribute<TSelf> where TSelf : IStunXorAddressAttribute<TSelf>
{
    static abstract StunAttributeType AttributeType { get; }
    int EncodedLength { get; }
    int Write(Span<byte> destination, StunTransactionId transactionId);
    static abstract bool TryParse(ReadOnlySpan<byte> value, StunTransactionId transactionId, out TSelf attribute);
}

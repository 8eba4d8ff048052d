using System.Buffers.Binary;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Stun;

/// <summary>
/// Writes a STUN message attribute by attribute, keeping the header length field current so
/// MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT, which cover everything before them with the
/// length already counting themselves (RFC 8489 §14.5-§14.7), can be appended last.
/// </summary>
internal sealed class StunMessageBuilder
{
    private byte[] _buffer;
    private int _length;

    public StunMessageBuilder(StunMessageType type, StunTransactionId transactionId, int capacity = 256)
    {
        Type = type;
        TransactionId = transactionId;
        _buffer = new byte[Math.Max(capacity, StunMessage.HeaderLength)];
        BinaryPrimitives.WriteUInt16BigEndian(_buffer, type.Value);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(4), StunMessage.MagicCookie);
        transactionId.WriteTo(_buffer.AsSpan(8));
        _length = StunMessage.HeaderLength;
    }

    public StunMessageType Type { get; }
    public StunTransactionId TransactionId { get; }

    /// <summary>Byte used to pad values to 4 bytes. Zero by default; receivers ignore it
    /// (RFC 8489 §14), but RFC 5769 vectors use spaces, and integrity covers it.</summary>
    public byte PaddingByte { get; set; }

    /// <summary>Bytes written so far (header included).</summary>
    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public StunMessageBuilder Add(StunAttributeType type, ReadOnlySpan<byte> value)
    {
        value.CopyTo(Reserve(type, value.Length));
        return this;
    }

    public StunMessageBuilder Add(StunAttribute attribute) => Add(attribute.Type, attribute.Value.Span);

    public StunMessageBuilder Add<T>(T attribute) where T : IStunAttribute<T>
    {
        int written = attribute.Write(Reserve(T.AttributeType, attribute.EncodedLength));
        if (written != attribute.EncodedLength) throw new InvalidOperationException($"{typeof(T).Name} wrote {written} bytes, announced {attribute.EncodedLength}.");
        return this;
    }

    public StunMessageBuilder AddXorAddress<T>(T attribute) where T : IStunXorAddressAttribute<T>
    {
        int written = attribute.Write(Reserve(T.AttributeType, attribute.EncodedLength), TransactionId);
        if (written != attribute.EncodedLength) throw new InvalidOperationException($"{typeof(T).Name} wrote {written} bytes, announced {attribute.EncodedLength}.");
        return this;
    }

    /// <summary>Appends MESSAGE-INTEGRITY: HMAC-SHA1 with <paramref name="key"/> (RFC 8489 §14.5).</summary>
    public StunMessageBuilder AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        var value = Reserve(StunAttributeType.MessageIntegrity, MessageIntegrity.Length);
        MessageIntegrity.Compute(key, _buffer.AsSpan(0, _length - StunAttribute.HeaderLength - MessageIntegrity.Length), value);
        return this;
    }

    /// <summary>Appends MESSAGE-INTEGRITY-SHA256, HMAC-SHA256 truncated to
    /// <paramref name="length"/> bytes: 16 to 32, a multiple of 4 (RFC 8489 §14.6).</summary>
    public StunMessageBuilder AddMessageIntegritySha256(ReadOnlySpan<byte> key, int length = MessageIntegritySha256.MaxLength)
    {
        if (!MessageIntegritySha256.IsValidLength(length)) throw new ArgumentOutOfRangeException(nameof(length), length, "MESSAGE-INTEGRITY-SHA256 is 16 to 32 bytes, a multiple of 4.");
        var value = Reserve(StunAttributeType.MessageIntegritySha256, length);
        MessageIntegritySha256.Compute(key, _buffer.AsSpan(0, _length - StunAttribute.HeaderLength - length), value);
        return this;
    }

    /// <summary>Appends FINGERPRINT: CRC-32 of the message XOR 0x5354554E (RFC 8489 §14.7).</summary>
    public StunMessageBuilder AddFingerprint()
    {
        var value = Reserve(StunAttributeType.Fingerprint, Fingerprint.Length);
        new Fingerprint(Fingerprint.Compute(_buffer.AsSpan(0, _length - StunAttribute.HeaderLength - Fingerprint.Length))).Write(value);
        return this;
    }

    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>The message as a parsed <see cref="StunMessage"/> (its <see cref="StunMessage.Raw"/> is these bytes).</summary>
    public StunMessage Build() =>
        StunMessage.TryParse(WrittenSpan, out var message) ? message : throw new InvalidOperationException("The builder produced an unparsable message.");

    /// <summary>Appends a header and padding for a value of <paramref name="valueLength"/>
    /// bytes, updates the message length and returns the value's span.</summary>
    private Span<byte> Reserve(StunAttributeType type, int valueLength)
    {
        if ((uint)valueLength > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(valueLength), valueLength, "An attribute value is at most 65535 bytes.");
        int padded = StunAttribute.PaddedLength(valueLength);
        int newLength = _length + StunAttribute.HeaderLength + padded;
        if (newLength - StunMessage.HeaderLength > StunMessage.MaxBodyLength) throw new InvalidOperationException("The STUN message would exceed its 65532-byte body.");
        if (newLength > _buffer.Length) Array.Resize(ref _buffer, Math.Max(newLength, _buffer.Length * 2));

        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)valueLength);
        span.Slice(StunAttribute.HeaderLength + valueLength, padded - valueLength).Fill(PaddingByte);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)(newLength - StunMessage.HeaderLength));
        _length = newLength;
        return span.Slice(StunAttribute.HeaderLength, valueLength);
    }
}

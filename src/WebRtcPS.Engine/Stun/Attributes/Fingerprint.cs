using System.Buffers.Binary;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to this attribute, XOR 0x5354554E, so STUN can be told from other protocols on the same port. Always the last attribute.</summary>
internal readonly record struct Fingerprint(uint Value) : IStunAttribute<Fingerprint>
{
    public const int Length = 4;

    /// <summary>XORed into the CRC so a FINGERPRINT differs from a bare CRC-32 another
    /// protocol might carry at the same place (RFC 8489 §14.7).</summary>
    public const uint XorValue = 0x5354554E;

    public static StunAttributeType AttributeType => StunAttributeType.Fingerprint;

    /// <summary>The value over <paramref name="covered"/>: the message up to FINGERPRINT with
    /// its length field already counting the 8-byte attribute.</summary>
    public static uint Compute(ReadOnlySpan<byte> covered) => Crc32.Compute(covered) ^ XorValue;

    /// <summary>
    /// Checks the FINGERPRINT of a received message. It must be the last attribute and have a
    /// 4-byte value; anything else is <see cref="StunIntegrityStatus.Invalid"/>.
    /// </summary>
    public static StunIntegrityStatus Verify(StunMessage message)
    {
        var raw = message.Raw.Span;
        if (!StunIntegrityPrefix.TryLocate(raw, StunAttributeType.Fingerprint, out int offset, out int length)) return StunIntegrityStatus.Missing;
        if (length != Length || offset + StunAttribute.HeaderLength + Length != raw.Length) return StunIntegrityStatus.Invalid;
        uint expected = Compute(StunIntegrityPrefix.Covered(raw, offset, length));
        uint actual = BinaryPrimitives.ReadUInt32BigEndian(raw[(offset + StunAttribute.HeaderLength)..]);
        return expected == actual ? StunIntegrityStatus.Valid : StunIntegrityStatus.Invalid;
    }

    public int EncodedLength => 4;

    public int Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Value);
        return 4;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out Fingerprint attribute)
    {
        attribute = default;
        if (value.Length != 4) return false;
        attribute = new Fingerprint(BinaryPrimitives.ReadUInt32BigEndian(value));
        return true;
    }
}

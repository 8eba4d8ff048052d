using System.Buffers.Binary;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>RESERVATION-TOKEN (RFC 8656 §18.10): an 8-byte token naming a relayed address the server holds back (EVEN-PORT with R set).</summary>
internal readonly record struct ReservationToken(ulong Token) : IStunAttribute<ReservationToken>
{
    public static StunAttributeType AttributeType => StunAttributeType.ReservationToken;

    public int EncodedLength => 8;

    public int Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, Token);
        return 8;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out ReservationToken attribute)
    {
        attribute = default;
        if (value.Length != 8) return false;
        attribute = new ReservationToken(BinaryPrimitives.ReadUInt64BigEndian(value));
        return true;
    }
}

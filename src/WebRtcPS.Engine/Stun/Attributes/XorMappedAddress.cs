using System.Net;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the reflexive transport address XORed with the magic cookie (and, for IPv6, the transaction id) so NATs that rewrite addresses in payloads leave it alone.</summary>
internal readonly record struct XorMappedAddress(IPEndPoint EndPoint) : IStunXorAddressAttribute<XorMappedAddress>
{
    public static StunAttributeType AttributeType => StunAttributeType.XorMappedAddress;

    public int EncodedLength => StunAddressCodec.GetEncodedLength(EndPoint);

    public int Write(Span<byte> destination, StunTransactionId transactionId) =>
        StunAddressCodec.Write(EndPoint, destination, transactionId);

    public static bool TryParse(ReadOnlySpan<byte> value, StunTransactionId transactionId, out XorMappedAddress attribute)
    {
        bool ok = StunAddressCodec.TryRead(value, transactionId, out var endPoint);
        attribute = new XorMappedAddress(endPoint);
        return ok;
    }
}

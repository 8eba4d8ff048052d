using System.Net;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>XOR-PEER-ADDRESS (RFC 8656 §18.3): a peer's address as seen from the TURN server, encoded like XOR-MAPPED-ADDRESS.</summary>
internal readonly record struct XorPeerAddress(IPEndPoint EndPoint) : IStunXorAddressAttribute<XorPeerAddress>
{
    public static StunAttributeType AttributeType => StunAttributeType.XorPeerAddress;

    public int EncodedLength => StunAddressCodec.GetEncodedLength(EndPoint);

    public int Write(Span<byte> destination, StunTransactionId transactionId) =>
        StunAddressCodec.Write(EndPoint, destination, transactionId);

    public static bool TryParse(ReadOnlySpan<byte> value, StunTransactionId transactionId, out XorPeerAddress attribute)
    {
        bool ok = StunAddressCodec.TryRead(value, transactionId, out var endPoint);
        attribute = new XorPeerAddress(endPoint);
        return ok;
    }
}

using System.Net;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>XOR-RELAYED-ADDRESS (RFC 8656 §18.5): the relayed transport address the TURN server allocated, encoded like XOR-MAPPED-ADDRESS.</summary>
internal readonly record struct XorRelayedAddress(IPEndPoint EndPoint) : IStunXorAddressAttribute<XorRelayedAddress>
{
    public static StunAttributeType AttributeType => StunAttributeType.XorRelayedAddress;

    public int EncodedLength => StunAddressCodec.GetEncodedLength(EndPoint);

    public int Write(Span<byte> destination, StunTransactionId transactionId) =>
        StunAddressCodec.Write(EndPoint, destination, transactionId);

    public static bool TryParse(ReadOnlySpan<byte> value, StunTransactionId transactionId, out XorRelayedAddress attribute)
    {
        bool ok = StunAddressCodec.TryRead(value, transactionId, out var endPoint);
        attribute = new XorRelayedAddress(endPoint);
        return ok;
    }
}

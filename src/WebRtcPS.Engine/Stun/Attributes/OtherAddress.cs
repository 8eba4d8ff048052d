using System.Net;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// OTHER-ADDRESS (RFC 5780 §7.4): the server's alternate address and port, the one CHANGE-REQUEST
/// answers from; a server that sends it supports the NAT behaviour tests. Same layout as
/// MAPPED-ADDRESS, not XORed.
/// </summary>
internal readonly record struct OtherAddress(IPEndPoint EndPoint) : IStunAttribute<OtherAddress>
{
    public static StunAttributeType AttributeType => StunAttributeType.OtherAddress;

    public int EncodedLength => StunAddressCodec.GetEncodedLength(EndPoint);

    public int Write(Span<byte> destination) => StunAddressCodec.Write(EndPoint, destination, null);

    public static bool TryParse(ReadOnlySpan<byte> value, out OtherAddress attribute)
    {
        bool ok = StunAddressCodec.TryRead(value, null, out var endPoint);
        attribute = new OtherAddress(endPoint);
        return ok;
    }
}

using System.Net;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>MAPPED-ADDRESS (RFC 8489 §14.1): the reflexive transport address, in the clear; only sent for RFC 3489 compatibility, XOR-MAPPED-ADDRESS is preferred.</summary>
internal readonly record struct MappedAddress(IPEndPoint EndPoint) : IStunAttribute<MappedAddress>
{
    public static StunAttributeType AttributeType => StunAttributeType.MappedAddress;

    public int EncodedLength => StunAddressCodec.GetEncodedLength(EndPoint);

    public int Write(Span<byte> destination) => StunAddressCodec.Write(EndPoint, destination, null);

    public static bool TryParse(ReadOnlySpan<byte> value, out MappedAddress attribute)
    {
        bool ok = StunAddressCodec.TryRead(value, null, out var endPoint);
        attribute = new MappedAddress(endPoint);
        return ok;
    }
}

using System.Net;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>ALTERNATE-SERVER (RFC 8489 §14.15): where a 300 (Try Alternate) sends the client, same family as the request's destination.</summary>
internal readonly record struct AlternateServer(IPEndPoint EndPoint) : IStunAttribute<AlternateServer>
{
    public static StunAttributeType AttributeType => StunAttributeType.AlternateServer;

    public int EncodedLength => StunAddressCodec.GetEncodedLength(EndPoint);

    public int Write(Span<byte> destination) => StunAddressCodec.Write(EndPoint, destination, null);

    public static bool TryParse(ReadOnlySpan<byte> value, out AlternateServer attribute)
    {
        bool ok = StunAddressCodec.TryRead(value, null, out var endPoint);
        attribute = new AlternateServer(endPoint);
        return ok;
    }
}

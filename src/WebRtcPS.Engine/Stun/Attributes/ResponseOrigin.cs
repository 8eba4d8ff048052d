using System.Net;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// RESPONSE-ORIGIN (RFC 5780 §7.3): the address and port the server sent this response from, so a
/// client can tell whether a CHANGE-REQUEST was honoured. Same layout as MAPPED-ADDRESS, not XORed.
/// </summary>
internal readonly record struct ResponseOrigin(IPEndPoint EndPoint) : IStunAttribute<ResponseOrigin>
{
    public static StunAttributeType AttributeType => StunAttributeType.ResponseOrigin;

    public int EncodedLength => StunAddressCodec.GetEncodedLength(EndPoint);

    public int Write(Span<byte> destination) => StunAddressCodec.Write(EndPoint, destination, null);

    public static bool TryParse(ReadOnlySpan<byte> value, out ResponseOrigin attribute)
    {
        bool ok = StunAddressCodec.TryRead(value, null, out var endPoint);
        attribute = new ResponseOrigin(endPoint);
        return ok;
    }
}

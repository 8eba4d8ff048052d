namespace WebRtcPS.Engine.Sctp;

/// <summary>State Cookie (RFC 9260 §3.3.3.1), mandatory in INIT-ACK; opaque to the receiver.</summary>
/// <remarks>Layout: Type = 7 (16) | Length (16) | Cookie (variable) | padding.</remarks>
internal sealed record StateCookieParameter(byte[] Cookie) : ISctpParameter
{
    public ushort Type => ParameterType.StateCookie;
    public int EncodedLength => 4 + Cookie.Length;

    public static bool TryParse(ReadOnlySpan<byte> element, out StateCookieParameter parameter)
    {
        parameter = null!;
        if (!WireParameter.TryRead(element, ParameterType.StateCookie, 0, out var value)) return false;
        parameter = new StateCookieParameter(value.ToArray());
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteTlvHeader(destination, Type, EncodedLength);
        Cookie.CopyTo(destination[4..]);
        return EncodedLength;
    }
}

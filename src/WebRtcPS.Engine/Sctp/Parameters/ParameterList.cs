namespace WebRtcPS.Engine.Sctp;

/// <summary>Parses and writes the padded parameter lists of INIT, INIT-ACK and RE-CONFIG
/// (RFC 9260 §3.2.1), mapping known types to their records and keeping the rest as
/// <see cref="UnknownParameter"/>.</summary>
internal static class ParameterList
{
    public static bool TryParse(ReadOnlySpan<byte> span, out List<ISctpParameter> parameters)
    {
        parameters = [];
        while (span.Length > 0)
        {
            if (!Wire.TryReadTlv(span, out var type, out var element, out var consumed)) return false;
            if (!TryParseOne(type, element, out var parameter)) return false;
            parameters.Add(parameter);
            span = span[consumed..];
        }
        return true;
    }

    private static bool TryParseOne(ushort type, ReadOnlySpan<byte> element, out ISctpParameter parameter)
    {
        bool ok;
        switch (type)
        {
            case ParameterType.StateCookie: ok = StateCookieParameter.TryParse(element, out var a); parameter = a; break;
            case ParameterType.HeartbeatInfo: ok = HeartbeatInfoParameter.TryParse(element, out var b); parameter = b; break;
            case ParameterType.SupportedExtensions: ok = SupportedExtensionsParameter.TryParse(element, out var c); parameter = c; break;
            case ParameterType.ForwardTsnSupported: ok = ForwardTsnSupportedParameter.TryParse(element, out var d); parameter = d; break;
            case ParameterType.OutgoingSsnResetRequest: ok = OutgoingSsnResetRequestParameter.TryParse(element, out var e); parameter = e; break;
            case ParameterType.IncomingSsnResetRequest: ok = IncomingSsnResetRequestParameter.TryParse(element, out var f); parameter = f; break;
            case ParameterType.ReconfigurationResponse: ok = ReconfigurationResponseParameter.TryParse(element, out var g); parameter = g; break;
            default: ok = UnknownParameter.TryParse(element, out var u); parameter = u; break;
        }
        return ok;
    }

    public static int EncodedLength(IReadOnlyList<ISctpParameter> parameters)
    {
        var total = 0;
        for (var i = 0; i < parameters.Count; i++)
        {
            var len = parameters[i].EncodedLength;
            total += i == parameters.Count - 1 ? len : Wire.Pad4(len);
        }
        return total;
    }

    /// <summary>Writes the list; padding after the last parameter is left to the enclosing chunk.</summary>
    public static int Write(IReadOnlyList<ISctpParameter> parameters, Span<byte> destination)
    {
        var offset = 0;
        for (var i = 0; i < parameters.Count; i++)
        {
            var len = parameters[i].Write(destination[offset..]);
            offset += i == parameters.Count - 1 ? len : Wire.PadAfter(destination[offset..], len);
        }
        return offset;
    }
}

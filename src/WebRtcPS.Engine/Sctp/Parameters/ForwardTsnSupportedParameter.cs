namespace WebRtcPS.Engine.Sctp;

/// <summary>Forward-TSN-Supported (RFC 3758 §3.1): the sender implements PR-SCTP.</summary>
/// <remarks>Layout: Type = 0xC000 (16) | Length = 4 (16).</remarks>
internal sealed record ForwardTsnSupportedParameter : ISctpParameter
{
    public ushort Type => ParameterType.ForwardTsnSupported;
    public int EncodedLength => 4;

    public static bool TryParse(ReadOnlySpan<byte> element, out ForwardTsnSupportedParameter parameter)
    {
        parameter = null!;
        if (!WireParameter.TryRead(element, ParameterType.ForwardTsnSupported, 0, out _)) return false;
        parameter = new ForwardTsnSupportedParameter();
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteTlvHeader(destination, Type, 4);
        return 4;
    }
}

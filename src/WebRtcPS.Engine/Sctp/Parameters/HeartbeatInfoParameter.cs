namespace WebRtcPS.Engine.Sctp;

/// <summary>Heartbeat Info (RFC 9260 §3.3.5): sender-specific data echoed back in HEARTBEAT-ACK.</summary>
/// <remarks>Layout: Type = 1 (16) | Length (16) | Heartbeat Information (variable) | padding.</remarks>
internal sealed record HeartbeatInfoParameter(byte[] Info) : ISctpParameter
{
    public ushort Type => ParameterType.HeartbeatInfo;
    public int EncodedLength => 4 + Info.Length;

    public static bool TryParse(ReadOnlySpan<byte> element, out HeartbeatInfoParameter parameter)
    {
        parameter = null!;
        if (!WireParameter.TryRead(element, ParameterType.HeartbeatInfo, 0, out var value)) return false;
        parameter = new HeartbeatInfoParameter(value.ToArray());
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteTlvHeader(destination, Type, EncodedLength);
        Info.CopyTo(destination[4..]);
        return EncodedLength;
    }
}

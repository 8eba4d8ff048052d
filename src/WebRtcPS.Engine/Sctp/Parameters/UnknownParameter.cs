namespace WebRtcPS.Engine.Sctp;

/// <summary>A parameter this engine does not interpret, kept verbatim (RFC 9260 §3.2.1). The upper
/// two bits of <see cref="Type"/> say what to do with it: 00 stop processing; 01 stop and report;
/// 10 skip; 11 skip and report (as an Unrecognized Parameter in INIT-ACK or an ERROR).</summary>
/// <remarks>Layout: Type (16) | Length (16) | Value (Length - 4 bytes) | padding.</remarks>
internal sealed record UnknownParameter(ushort Type, byte[] Value) : ISctpParameter
{
    public int EncodedLength => 4 + Value.Length;

    /// <summary>True when the sender wants it reported back (upper bits x1).</summary>
    public bool ShouldReport => (Type & 0x4000) != 0;

    /// <summary>True when processing continues past it (upper bits 1x).</summary>
    public bool ShouldSkip => (Type & 0x8000) != 0;

    public static bool TryParse(ReadOnlySpan<byte> element, out UnknownParameter parameter)
    {
        parameter = null!;
        if (element.Length < 4) return false;
        var type = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(element);
        if (!WireParameter.TryRead(element, type, 0, out var value)) return false;
        parameter = new UnknownParameter(type, value.ToArray());
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteTlvHeader(destination, Type, EncodedLength);
        Value.CopyTo(destination[4..]);
        return EncodedLength;
    }
}

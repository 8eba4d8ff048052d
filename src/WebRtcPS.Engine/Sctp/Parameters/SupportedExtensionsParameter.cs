namespace WebRtcPS.Engine.Sctp;

/// <summary>Supported Extensions (RFC 5061 §4.2.7): the chunk types beyond RFC 9260 the sender
/// understands (WebRTC: RE-CONFIG 130 and FORWARD-TSN 192).</summary>
/// <remarks>Layout: Type = 0x8008 (16) | Length (16) | CHUNK TYPE 1 (8) | ... | CHUNK TYPE N (8) | padding.</remarks>
internal sealed record SupportedExtensionsParameter(byte[] ChunkTypes) : ISctpParameter
{
    public ushort Type => ParameterType.SupportedExtensions;
    public int EncodedLength => 4 + ChunkTypes.Length;

    public bool Supports(ChunkType type) => Array.IndexOf(ChunkTypes, (byte)type) >= 0;

    public static bool TryParse(ReadOnlySpan<byte> element, out SupportedExtensionsParameter parameter)
    {
        parameter = null!;
        if (!WireParameter.TryRead(element, ParameterType.SupportedExtensions, 0, out var value)) return false;
        parameter = new SupportedExtensionsParameter(value.ToArray());
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteTlvHeader(destination, Type, EncodedLength);
        ChunkTypes.CopyTo(destination[4..]);
        return EncodedLength;
    }
}

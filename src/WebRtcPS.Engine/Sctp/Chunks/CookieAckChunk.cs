namespace WebRtcPS.Engine.Sctp;

/// <summary>COOKIE-ACK (RFC 9260 §3.3.12): acknowledges COOKIE-ECHO; the association is established.</summary>
/// <remarks>Layout: Type = 11 (8) | Chunk Flags = 0 (8) | Length = 4 (16).</remarks>
internal sealed record CookieAckChunk : ISctpChunk
{
    public ChunkType Type => ChunkType.CookieAck;
    public int EncodedLength => 4;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out CookieAckChunk result)
    {
        result = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.CookieAck, 0, out _, out _)) return false;
        result = new CookieAckChunk();
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, ChunkType.CookieAck, 0, 4);
        return 4;
    }
}

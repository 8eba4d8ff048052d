namespace WebRtcPS.Engine.Sctp;

/// <summary>SHUTDOWN-ACK (RFC 9260 §3.3.9): acknowledges SHUTDOWN once all outstanding data is acknowledged.</summary>
/// <remarks>Layout: Type = 8 (8) | Chunk Flags = 0 (8) | Length = 4 (16).</remarks>
internal sealed record ShutdownAckChunk : ISctpChunk
{
    public ChunkType Type => ChunkType.ShutdownAck;
    public int EncodedLength => 4;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out ShutdownAckChunk result)
    {
        result = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.ShutdownAck, 0, out _, out _)) return false;
        result = new ShutdownAckChunk();
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, ChunkType.ShutdownAck, 0, 4);
        return 4;
    }
}

namespace WebRtcPS.Engine.Sctp;

/// <summary>SHUTDOWN-COMPLETE (RFC 9260 §3.3.13): ends the shutdown sequence. T set means the
/// verification tag is the one from the SHUTDOWN-ACK's header (reflected).</summary>
/// <remarks>Layout: Type = 14 (8) | Reserved (7) T (1) | Length = 4 (16).</remarks>
internal sealed record ShutdownCompleteChunk(bool TagReflected = false) : ISctpChunk
{
    public ChunkType Type => ChunkType.ShutdownComplete;
    public int EncodedLength => 4;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out ShutdownCompleteChunk result)
    {
        result = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.ShutdownComplete, 0, out var flags, out _)) return false;
        result = new ShutdownCompleteChunk((flags & 1) != 0);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, ChunkType.ShutdownComplete, (byte)(TagReflected ? 1 : 0), 4);
        return 4;
    }
}

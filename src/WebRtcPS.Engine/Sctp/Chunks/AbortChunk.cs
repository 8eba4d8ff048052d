namespace WebRtcPS.Engine.Sctp;

/// <summary>ABORT (RFC 9260 §3.3.7): closes the association at once. T set means the
/// verification tag was reflected from the packet that provoked it.</summary>
/// <remarks><code>
/// |   Type = 6    |Reserved     |T|           Length              |
/// /                   zero or more Error Causes                   /
/// </code></remarks>
internal sealed record AbortChunk(IReadOnlyList<ErrorCause> Causes, bool TagReflected = false) : ISctpChunk
{
    public ChunkType Type => ChunkType.Abort;
    public int EncodedLength => 4 + ErrorCause.ListLength(Causes);

    public static bool TryParse(ReadOnlySpan<byte> chunk, out AbortChunk result)
    {
        result = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.Abort, 0, out var flags, out var v)) return false;
        if (!ErrorCause.TryParseList(v, out var causes)) return false;
        result = new AbortChunk(causes, (flags & 1) != 0);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, ChunkType.Abort, (byte)(TagReflected ? 1 : 0), EncodedLength);
        return 4 + ErrorCause.WriteList(Causes, destination[4..]);
    }
}

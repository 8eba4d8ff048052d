namespace WebRtcPS.Engine.Sctp;

/// <summary>ERROR (RFC 9260 §3.3.10): reports conditions that do not close the association.</summary>
/// <remarks><code>
/// |   Type = 9    | Chunk  Flags  |           Length              |
/// /                    one or more Error Causes                   /
/// </code></remarks>
internal sealed record ErrorChunk(IReadOnlyList<ErrorCause> Causes) : ISctpChunk
{
    public ChunkType Type => ChunkType.Error;
    public int EncodedLength => 4 + ErrorCause.ListLength(Causes);

    public static bool TryParse(ReadOnlySpan<byte> chunk, out ErrorChunk result)
    {
        result = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.Error, 0, out _, out var v)) return false;
        if (!ErrorCause.TryParseList(v, out var causes)) return false;
        result = new ErrorChunk(causes);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, ChunkType.Error, 0, EncodedLength);
        return 4 + ErrorCause.WriteList(Causes, destination[4..]);
    }
}

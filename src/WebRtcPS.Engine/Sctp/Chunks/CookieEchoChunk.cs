namespace WebRtcPS.Engine.Sctp;

/// <summary>COOKIE-ECHO (RFC 9260 §3.3.11): returns the State Cookie from INIT-ACK, unchanged.</summary>
/// <remarks><code>
/// |   Type = 10   |Chunk  Flags   |         Length                |
/// /                     Cookie                                    /
/// </code></remarks>
internal sealed record CookieEchoChunk(byte[] Cookie) : ISctpChunk
{
    public ChunkType Type => ChunkType.CookieEcho;
    public int EncodedLength => 4 + Cookie.Length;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out CookieEchoChunk result)
    {
        result = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.CookieEcho, 0, out _, out var v)) return false;
        result = new CookieEchoChunk(v.ToArray());
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, ChunkType.CookieEcho, 0, EncodedLength);
        Cookie.CopyTo(destination[4..]);
        return EncodedLength;
    }
}

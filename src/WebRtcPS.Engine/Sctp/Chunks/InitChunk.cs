namespace WebRtcPS.Engine.Sctp;

/// <summary>INIT (RFC 9260 §3.3.2): opens an association; its verification tag in the common
/// header must be 0. Layout: see <see cref="InitBody"/> with Type = 1. WebRTC peers add Supported
/// Extensions (RE-CONFIG, FORWARD-TSN) and Forward-TSN-Supported.</summary>
internal sealed record InitChunk(InitBody Body) : ISctpChunk
{
    public ChunkType Type => ChunkType.Init;
    public int EncodedLength => Body.EncodedLength;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out InitChunk init)
    {
        init = null!;
        if (!InitBody.TryParse(chunk, ChunkType.Init, out var body)) return false;
        init = new InitChunk(body);
        return true;
    }

    public int Write(Span<byte> destination) => Body.Write(ChunkType.Init, destination);
}

namespace WebRtcPS.Engine.Sctp;

/// <summary>INIT-ACK (RFC 9260 §3.3.3): the answer to INIT, carrying the mandatory State Cookie.
/// Layout: see <see cref="InitBody"/> with Type = 2.</summary>
internal sealed record InitAckChunk(InitBody Body) : ISctpChunk
{
    public ChunkType Type => ChunkType.InitAck;
    public int EncodedLength => Body.EncodedLength;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out InitAckChunk initAck)
    {
        initAck = null!;
        if (!InitBody.TryParse(chunk, ChunkType.InitAck, out var body)) return false;
        initAck = new InitAckChunk(body);
        return true;
    }

    public int Write(Span<byte> destination) => Body.Write(ChunkType.InitAck, destination);
}

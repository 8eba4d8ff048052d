using System.Buffers.Binary;

namespace WebRtcPS.Engine.Sctp;

/// <summary>SHUTDOWN (RFC 9260 §3.3.8): graceful close; carries the sender's cumulative TSN ack.</summary>
/// <remarks><code>
/// |   Type = 7    | Chunk  Flags  |      Length = 8               |
/// |                      Cumulative TSN Ack                       |
/// </code></remarks>
internal sealed record ShutdownChunk(uint CumulativeTsnAck) : ISctpChunk
{
    public ChunkType Type => ChunkType.Shutdown;
    public int EncodedLength => 8;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out ShutdownChunk result)
    {
        result = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.Shutdown, 4, out _, out var v) || v.Length != 4) return false;
        result = new ShutdownChunk(BinaryPrimitives.ReadUInt32BigEndian(v));
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, ChunkType.Shutdown, 0, 8);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], CumulativeTsnAck);
        return 8;
    }
}

namespace WebRtcPS.Engine.Sctp;

/// <summary>HEARTBEAT-ACK (RFC 9260 §3.3.6): echoes the Heartbeat Info of a HEARTBEAT unchanged.</summary>
/// <remarks><code>
/// |   Type = 5    | Chunk  Flags  |      Heartbeat Length         |
/// |  Heartbeat Info Type = 1      |       HB Info Length          |
/// /          Sender-Specific Heartbeat Info                       /
/// </code></remarks>
internal sealed record HeartbeatAckChunk(byte[] Info) : ISctpChunk
{
    public ChunkType Type => ChunkType.HeartbeatAck;
    public int EncodedLength => 8 + Info.Length;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out HeartbeatAckChunk heartbeat)
    {
        heartbeat = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.HeartbeatAck, 4, out _, out var v)) return false;
        if (!Wire.TryReadTlv(v, out _, out var element, out _) || !HeartbeatInfoParameter.TryParse(element, out var info)) return false;
        heartbeat = new HeartbeatAckChunk(info.Info);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, ChunkType.HeartbeatAck, 0, EncodedLength);
        return 4 + new HeartbeatInfoParameter(Info).Write(destination[4..]);
    }
}

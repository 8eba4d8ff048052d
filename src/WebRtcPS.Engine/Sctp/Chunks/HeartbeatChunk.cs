namespace WebRtcPS.Engine.Sctp;

/// <summary>HEARTBEAT (RFC 9260 §3.3.5): a probe of the peer; the Heartbeat Info is echoed in HEARTBEAT-ACK.</summary>
/// <remarks><code>
/// |   Type = 4    | Chunk  Flags  |      Heartbeat Length         |
/// |  Heartbeat Info Type = 1      |       HB Info Length          |
/// /          Sender-Specific Heartbeat Info                       /
/// </code></remarks>
internal sealed record HeartbeatChunk(byte[] Info) : ISctpChunk
{
    public ChunkType Type => ChunkType.Heartbeat;
    public int EncodedLength => 8 + Info.Length;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out HeartbeatChunk heartbeat)
    {
        heartbeat = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.Heartbeat, 4, out _, out var v)) return false;
        if (!Wire.TryReadTlv(v, out _, out var element, out _) || !HeartbeatInfoParameter.TryParse(element, out var info)) return false;
        heartbeat = new HeartbeatChunk(info.Info);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, ChunkType.Heartbeat, 0, EncodedLength);
        return 4 + new HeartbeatInfoParameter(Info).Write(destination[4..]);
    }
}

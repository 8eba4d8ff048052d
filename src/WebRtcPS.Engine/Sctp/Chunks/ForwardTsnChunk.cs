using System.Buffers.Binary;

namespace WebRtcPS.Engine.Sctp;

/// <summary>One (stream, SSN) pair of FORWARD-TSN: the largest SSN of an ordered stream skipped.</summary>
internal readonly record struct ForwardTsnStream(ushort StreamId, ushort StreamSequence);

/// <summary>FORWARD-TSN (RFC 3758 §3.2): tells the receiver to move its cumulative TSN forward,
/// abandoning messages the sender gave up on (PR-SCTP).</summary>
/// <remarks><code>
/// |   Type = 192  |  Flags = 0x00 |        Length = Variable      |
/// |                      New Cumulative TSN                       |
/// |         Stream-1              |       Stream Sequence-1       |  ... N pairs
/// </code></remarks>
internal sealed record ForwardTsnChunk(uint NewCumulativeTsn, ForwardTsnStream[] Streams) : ISctpChunk
{
    public ChunkType Type => ChunkType.ForwardTsn;
    public int EncodedLength => 8 + 4 * Streams.Length;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out ForwardTsnChunk result)
    {
        result = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.ForwardTsn, 4, out _, out var v) || v.Length % 4 != 0) return false;
        var streams = new ForwardTsnStream[(v.Length - 4) / 4];
        for (var i = 0; i < streams.Length; i++)
            streams[i] = new ForwardTsnStream(BinaryPrimitives.ReadUInt16BigEndian(v[(4 + 4 * i)..]), BinaryPrimitives.ReadUInt16BigEndian(v[(6 + 4 * i)..]));
        result = new ForwardTsnChunk(BinaryPrimitives.ReadUInt32BigEndian(v), streams);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, ChunkType.ForwardTsn, 0, EncodedLength);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], NewCumulativeTsn);
        for (var i = 0; i < Streams.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(8 + 4 * i)..], Streams[i].StreamId);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(10 + 4 * i)..], Streams[i].StreamSequence);
        }
        return EncodedLength;
    }
}

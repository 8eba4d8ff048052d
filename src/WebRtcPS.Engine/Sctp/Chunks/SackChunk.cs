using System.Buffers.Binary;

namespace WebRtcPS.Engine.Sctp;

/// <summary>SACK (RFC 9260 §3.3.4): cumulative ack, receiver window, gap ack blocks and duplicate TSNs.</summary>
/// <remarks><code>
/// |   Type = 3    |Chunk  Flags   |      Chunk Length             |
/// |                      Cumulative TSN Ack                       |
/// |          Advertised Receiver Window Credit (a_rwnd)           |
/// | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = M |
/// |  Gap Ack Block #1 Start       |   Gap Ack Block #1 End        |  ... N times
/// |                       Duplicate TSN 1                         |  ... M times
/// </code></remarks>
internal sealed record SackChunk(uint CumulativeTsnAck, uint ARwnd, GapAckBlock[] GapAckBlocks, uint[] DuplicateTsns) : ISctpChunk
{
    public ChunkType Type => ChunkType.Sack;
    public int EncodedLength => 16 + 4 * GapAckBlocks.Length + 4 * DuplicateTsns.Length;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out SackChunk sack)
    {
        sack = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.Sack, 12, out _, out var v)) return false;
        int gaps = BinaryPrimitives.ReadUInt16BigEndian(v[8..]);
        int dups = BinaryPrimitives.ReadUInt16BigEndian(v[10..]);
        if (v.Length != 12 + 4 * gaps + 4 * dups) return false;
        var blocks = new GapAckBlock[gaps];
        for (var i = 0; i < gaps; i++)
            blocks[i] = new GapAckBlock(BinaryPrimitives.ReadUInt16BigEndian(v[(12 + 4 * i)..]), BinaryPrimitives.ReadUInt16BigEndian(v[(14 + 4 * i)..]));
        var duplicates = new uint[dups];
        for (var i = 0; i < dups; i++) duplicates[i] = BinaryPrimitives.ReadUInt32BigEndian(v[(12 + 4 * gaps + 4 * i)..]);
        sack = new SackChunk(BinaryPrimitives.ReadUInt32BigEndian(v), BinaryPrimitives.ReadUInt32BigEndian(v[4..]), blocks, duplicates);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, ChunkType.Sack, 0, EncodedLength);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], CumulativeTsnAck);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ARwnd);
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], checked((ushort)GapAckBlocks.Length));
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], checked((ushort)DuplicateTsns.Length));
        var o = 16;
        foreach (var b in GapAckBlocks)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[o..], b.Start);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(o + 2)..], b.End);
            o += 4;
        }
        foreach (var d in DuplicateTsns)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[o..], d);
            o += 4;
        }
        return o;
    }
}

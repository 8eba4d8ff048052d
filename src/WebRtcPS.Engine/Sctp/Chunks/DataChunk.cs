using System.Buffers.Binary;

namespace WebRtcPS.Engine.Sctp;

/// <summary>DATA (RFC 9260 §3.3.1): one fragment of a user message.</summary>
/// <remarks><code>
///  0                   1                   2                   3
/// |   Type = 0    |  Res  |I|U|B|E|         Length                |
/// |                              TSN                              |
/// |      Stream Identifier S      |   Stream Sequence Number n    |
/// |                  Payload Protocol Identifier                  |
/// |                 User Data (seq n of Stream S)                 |  ... padding
/// </code>
/// U = unordered, B = first fragment, E = last fragment, I = SACK immediately (RFC 7053).</remarks>
internal sealed record DataChunk(uint Tsn, ushort StreamId, ushort StreamSequence, uint Ppid, ReadOnlyMemory<byte> UserData,
    bool Unordered = false, bool Beginning = true, bool Ending = true, bool Immediate = false) : ISctpChunk
{
    public const int HeaderLength = 16;
    private const byte FlagE = 0x01, FlagB = 0x02, FlagU = 0x04, FlagI = 0x08;

    public ChunkType Type => ChunkType.Data;
    public int EncodedLength => HeaderLength + UserData.Length;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out DataChunk data)
    {
        data = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.Data, 12, out var flags, out var v)) return false;
        data = new DataChunk(BinaryPrimitives.ReadUInt32BigEndian(v), BinaryPrimitives.ReadUInt16BigEndian(v[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(v[6..]), BinaryPrimitives.ReadUInt32BigEndian(v[8..]), v[12..].ToArray(),
            (flags & FlagU) != 0, (flags & FlagB) != 0, (flags & FlagE) != 0, (flags & FlagI) != 0);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        var flags = (byte)((Ending ? FlagE : 0) | (Beginning ? FlagB : 0) | (Unordered ? FlagU : 0) | (Immediate ? FlagI : 0));
        Wire.WriteChunkHeader(destination, ChunkType.Data, flags, EncodedLength);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Tsn);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], StreamId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], StreamSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Ppid);
        UserData.Span.CopyTo(destination[16..]);
        return EncodedLength;
    }
}

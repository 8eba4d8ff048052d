using System.Buffers.Binary;

namespace WebRtcPS.Engine.Sctp;

/// <summary>The fixed fields and parameter list that INIT and INIT-ACK share (RFC 9260 §3.3.2, §3.3.3).</summary>
/// <remarks><code>
/// |   Type = 1/2  |  Chunk Flags  |      Chunk Length             |
/// |                         Initiate Tag                          |
/// |           Advertised Receiver Window Credit (a_rwnd)          |
/// |  Number of Outbound Streams   |   Number of Inbound Streams   |
/// |                          Initial TSN                          |
/// /              Optional/Variable-Length Parameters              /
/// </code></remarks>
internal sealed record InitBody(uint InitiateTag, uint ARwnd, ushort OutboundStreams, ushort InboundStreams, uint InitialTsn,
    IReadOnlyList<ISctpParameter> Parameters)
{
    public int EncodedLength => 20 + ParameterList.EncodedLength(Parameters);

    public T? Find<T>() where T : class, ISctpParameter
    {
        foreach (var p in Parameters) if (p is T t) return t;
        return null;
    }

    internal static bool TryParse(ReadOnlySpan<byte> chunk, ChunkType type, out InitBody body)
    {
        body = null!;
        if (!Wire.TryReadChunk(chunk, type, 16, out _, out var v)) return false;
        if (!ParameterList.TryParse(v[16..], out var parameters)) return false;
        body = new InitBody(BinaryPrimitives.ReadUInt32BigEndian(v), BinaryPrimitives.ReadUInt32BigEndian(v[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(v[8..]), BinaryPrimitives.ReadUInt16BigEndian(v[10..]),
            BinaryPrimitives.ReadUInt32BigEndian(v[12..]), parameters);
        return true;
    }

    internal int Write(ChunkType type, Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, type, 0, EncodedLength);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], InitiateTag);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ARwnd);
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], OutboundStreams);
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], InboundStreams);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], InitialTsn);
        return 20 + ParameterList.Write(Parameters, destination[20..]);
    }
}

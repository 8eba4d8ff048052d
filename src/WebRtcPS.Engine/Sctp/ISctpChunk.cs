namespace WebRtcPS.Engine.Sctp;

/// <summary>One chunk of an SCTP packet (RFC 9260 §3.2). <see cref="EncodedLength"/> is the
/// Chunk Length field (without trailing padding); <see cref="Write"/> writes that many bytes and
/// the packet writer adds the padding.</summary>
internal interface ISctpChunk
{
    ChunkType Type { get; }
    int EncodedLength { get; }
    int Write(Span<byte> destination);
}

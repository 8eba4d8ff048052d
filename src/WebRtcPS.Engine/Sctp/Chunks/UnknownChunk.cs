namespace WebRtcPS.Engine.Sctp;

/// <summary>A chunk of a type this engine does not implement, kept verbatim so the upper-two-bits
/// rule of RFC 9260 §3.2 can be applied: 00 stop processing and discard the packet; 01 the same and
/// report it in an ERROR (Unrecognized Chunk Type); 10 skip it; 11 skip it and report.</summary>
/// <remarks>Layout: Chunk Type (8) | Chunk Flags (8) | Chunk Length (16) | Value | padding.</remarks>
internal sealed record UnknownChunk(byte RawType, byte Flags, byte[] Value) : ISctpChunk
{
    public ChunkType Type => (ChunkType)RawType;
    public int EncodedLength => 4 + Value.Length;
    public bool ShouldReport => (RawType & 0x40) != 0;
    public bool ShouldSkip => (RawType & 0x80) != 0;

    public static bool TryParse(ReadOnlySpan<byte> chunk, out UnknownChunk result)
    {
        result = null!;
        if (chunk.Length < 4 || !Wire.TryReadChunk(chunk, (ChunkType)chunk[0], 0, out var flags, out var v)) return false;
        result = new UnknownChunk(chunk[0], flags, v.ToArray());
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, (ChunkType)RawType, Flags, EncodedLength);
        Value.CopyTo(destination[4..]);
        return EncodedLength;
    }
}

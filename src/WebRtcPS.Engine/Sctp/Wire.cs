using System.Buffers.Binary;

namespace WebRtcPS.Engine.Sctp;

/// <summary>Helpers shared by the chunk and parameter codecs: 4-byte padding and the
/// type/flags/length (chunk) or type/length (parameter, error cause) headers.</summary>
internal static class Wire
{
    public static int Pad4(int length) => (length + 3) & ~3;

    /// <summary>Validates a chunk's common header (RFC 9260 §3.2) against <paramref name="expected"/>;
    /// <paramref name="chunk"/> is exactly the bytes the Chunk Length field covers.</summary>
    public static bool TryReadChunk(ReadOnlySpan<byte> chunk, ChunkType expected, int minValueLength,
        out byte flags, out ReadOnlySpan<byte> value)
    {
        flags = 0;
        value = default;
        if (chunk.Length < 4 || chunk[0] != (byte)expected) return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(chunk[2..]);
        if (length != chunk.Length || length - 4 < minValueLength) return false;
        flags = chunk[1];
        value = chunk[4..length];
        return true;
    }

    public static void WriteChunkHeader(Span<byte> dst, ChunkType type, byte flags, int length)
    {
        dst[0] = (byte)type;
        dst[1] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(dst[2..], checked((ushort)length));
    }

    /// <summary>Reads one type-length-value element (parameter or error cause) from the start of
    /// <paramref name="span"/>; <paramref name="consumed"/> includes padding (absent padding after
    /// the last element is tolerated).</summary>
    public static bool TryReadTlv(ReadOnlySpan<byte> span, out ushort type, out ReadOnlySpan<byte> element, out int consumed)
    {
        type = 0;
        element = default;
        consumed = 0;
        if (span.Length < 4) return false;
        type = BinaryPrimitives.ReadUInt16BigEndian(span);
        int length = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        if (length < 4 || length > span.Length) return false;
        element = span[..length];
        consumed = Math.Min(Pad4(length), span.Length);
        return true;
    }

    public static void WriteTlvHeader(Span<byte> dst, ushort type, int length)
    {
        BinaryPrimitives.WriteUInt16BigEndian(dst, type);
        BinaryPrimitives.WriteUInt16BigEndian(dst[2..], checked((ushort)length));
    }

    /// <summary>Writes zero padding after an element of <paramref name="length"/> bytes; returns the padded length.</summary>
    public static int PadAfter(Span<byte> dst, int length)
    {
        var padded = Pad4(length);
        dst[length..padded].Clear();
        return padded;
    }
}

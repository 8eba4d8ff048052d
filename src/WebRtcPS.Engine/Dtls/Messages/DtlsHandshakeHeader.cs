namespace WebRtcPS.Engine.Dtls;

/// <summary>The DTLS handshake header (RFC 6347 §4.2.2), in front of every handshake fragment.</summary>
/// <remarks><code>
/// msg_type(1) | length(3) | message_seq(2) | fragment_offset(3) | fragment_length(3)
/// </code>
/// Length is the whole message body's; a fragment carries FragmentLength bytes of it from
/// FragmentOffset. An unknown msg_type is kept as its byte.</remarks>
internal readonly record struct DtlsHandshakeHeader(DtlsHandshakeType Type, int Length, ushort MessageSeq, int FragmentOffset, int FragmentLength)
{
    public const int Size = 12;

    /// <summary>Reads the 12 header bytes only; the caller checks that FragmentLength bytes follow.
    /// False when short, or when the fragment reaches past the message (§4.2.3).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out DtlsHandshakeHeader header)
    {
        header = default;
        var reader = new HandshakeBodyReader(data);
        if (!reader.TryReadUInt8(out var type) || !reader.TryReadUInt24(out var length) || !reader.TryReadUInt16(out var seq)
            || !reader.TryReadUInt24(out var offset) || !reader.TryReadUInt24(out var fragmentLength))
            return false;
        if (offset + fragmentLength > length) return false; // each at most 2^24-1: no overflow
        header = new DtlsHandshakeHeader((DtlsHandshakeType)type, length, seq, offset, fragmentLength);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        var writer = new HandshakeBodyWriter(destination[..Size]);
        writer.WriteUInt8((byte)Type);
        writer.WriteUInt24(Length);
        writer.WriteUInt16(MessageSeq);
        writer.WriteUInt24(FragmentOffset);
        writer.WriteUInt24(FragmentLength);
        return Size;
    }
}

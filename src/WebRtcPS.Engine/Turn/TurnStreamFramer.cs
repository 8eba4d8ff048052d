using System.Buffers.Binary;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Turn;

/// <summary>
/// Framing of TURN traffic on a TCP or TLS connection to the server (RFC 8656 §12.5, RFC 8489
/// §6.2.2): the stream is a sequence of STUN messages (20-byte header, its length field counts
/// the attributes, always a multiple of 4) and ChannelData messages (4-byte header, data padded
/// to a multiple of 4 with the padding not counted). The first two bits tell them apart.
/// </summary>
internal static class TurnStreamFramer
{
    /// <summary>Largest frame: a STUN message with a 65532-byte body, or ChannelData of 65535 bytes padded.</summary>
    public const int MaxFrameLength = StunMessage.HeaderLength + StunMessage.MaxBodyLength;

    /// <summary>
    /// From the first 4 bytes of a frame, how many bytes the whole frame takes on the stream
    /// (padding included). False when the bytes start neither a STUN message nor ChannelData.
    /// </summary>
    public static bool TryGetFrameLength(ReadOnlySpan<byte> header, out int frameLength)
    {
        frameLength = 0;
        if (header.Length < 4) return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        switch (header[0] & 0xC0)
        {
            case 0x00:
                if ((length & 3) != 0) return false;
                frameLength = StunMessage.HeaderLength + length;
                return true;
            case 0x40:
                frameLength = ChannelData.HeaderLength + ChannelData.PaddedLength(length);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Reads exactly one frame from <paramref name="stream"/>: a STUN message, or a ChannelData
    /// message with its padding removed (its length field then equals the data length). Null at a
    /// clean end of stream before any byte of a frame. Throws <see cref="InvalidDataException"/>
    /// when the stream is not TURN framing (the connection must then be dropped: resync is
    /// impossible) or ends inside a frame.
    /// </summary>
    public static async ValueTask<byte[]?> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        int got = await ReadAtLeastAsync(stream, header, cancellationToken).ConfigureAwait(false);
        if (got == 0) return null;
        if (got < header.Length) throw new InvalidDataException("The stream ended inside a frame header.");
        if (!TryGetFrameLength(header, out int frameLength)) throw new InvalidDataException($"Not a STUN or ChannelData frame (first byte 0x{header[0]:x2}).");
        var frame = new byte[frameLength];
        header.CopyTo(frame, 0);
        if (frameLength > header.Length)
        {
            got = await ReadAtLeastAsync(stream, frame.AsMemory(header.Length), cancellationToken).ConfigureAwait(false);
            if (got < frameLength - header.Length) throw new InvalidDataException("The stream ended inside a frame.");
        }
        if ((frame[0] & 0xC0) == 0x40)
        {
            int dataLength = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(2));
            if (ChannelData.HeaderLength + dataLength != frame.Length) Array.Resize(ref frame, ChannelData.HeaderLength + dataLength);
        }
        return frame;
    }

    private static async ValueTask<int> ReadAtLeastAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken) =>
        await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);

    /// <summary>The bytes to write for <paramref name="frame"/> on a stream: ChannelData padded to 4
    /// (STUN messages are already multiples of 4).</summary>
    public static ReadOnlyMemory<byte> PadForStream(ReadOnlyMemory<byte> frame)
    {
        if (frame.Length == 0 || (frame.Span[0] & 0xC0) != 0x40) return frame;
        int padded = ChannelData.PaddedLength(frame.Length);
        if (padded == frame.Length) return frame;
        var bytes = new byte[padded];
        frame.CopyTo(bytes);
        return bytes;
    }
}

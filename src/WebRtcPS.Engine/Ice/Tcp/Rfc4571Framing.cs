using System.Buffers.Binary;

namespace WebRtcPS.Engine.Ice;

/// <summary>What <see cref="Rfc4571Framing.TryReadFrame"/> found at the start of a buffer.</summary>
internal enum Rfc4571ReadStatus
{
    /// <summary>A whole frame: its payload and the bytes it took (header included).</summary>
    Frame,

    /// <summary>Not enough bytes yet for the header or the announced payload.</summary>
    NeedMoreData,

    /// <summary>The header announces a frame the receiver refuses (empty, or larger than its limit):
    /// the stream cannot be trusted any more and the connection is dropped.</summary>
    Invalid,
}

/// <summary>
/// RFC 4571 §2 framing of datagrams on a TCP stream, as ICE-TCP uses it (RFC 6544 §3): each
/// datagram (STUN, DTLS) is preceded by its length.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |             LENGTH            |  STUN / DTLS datagram ...    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// LENGTH is an unsigned 16-bit big-endian count of the bytes that follow (0-65535). Pure
/// functions over spans; <see cref="Rfc4571FrameReader"/> keeps the partial frame between reads.
/// </summary>
internal static class Rfc4571Framing
{
    /// <summary>The 2-byte length prefix.</summary>
    public const int HeaderLength = 2;

    /// <summary>The largest payload the prefix can describe.</summary>
    public const int MaxPayloadLength = ushort.MaxValue;

    /// <summary>Bytes a frame of <paramref name="payloadLength"/> takes on the stream.</summary>
    public static int GetFrameLength(int payloadLength) => HeaderLength + payloadLength;

    /// <summary>Writes the length prefix and <paramref name="payload"/> into
    /// <paramref name="destination"/>; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The payload is empty or longer than 65,535 bytes,
    /// or <paramref name="destination"/> is too small.</exception>
    public static int WriteFrame(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        if (payload.IsEmpty || payload.Length > MaxPayloadLength)
            throw new ArgumentException($"A framed datagram is 1-{MaxPayloadLength} bytes, not {payload.Length}.", nameof(payload));
        int total = GetFrameLength(payload.Length);
        if (destination.Length < total) throw new ArgumentException($"Need {total} bytes, have {destination.Length}.", nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)payload.Length);
        payload.CopyTo(destination[HeaderLength..]);
        return total;
    }

    /// <summary>The frame of <paramref name="payload"/> as a new array.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[GetFrameLength(payload.Length)];
        WriteFrame(payload, frame);
        return frame;
    }

    /// <summary>
    /// Reads the frame at the start of <paramref name="buffer"/>. Never throws: a frame whose
    /// length is 0 or above <paramref name="maxPayloadLength"/> is <see cref="Rfc4571ReadStatus.Invalid"/>
    /// (checked from the header alone, so an oversized frame is refused before it is buffered).
    /// </summary>
    /// <param name="buffer">Bytes received and not yet consumed.</param>
    /// <param name="maxPayloadLength">The largest payload accepted (at most 65,535).</param>
    /// <param name="payload">The datagram, a slice of <paramref name="buffer"/>, when a frame was read.</param>
    /// <param name="consumed">Header plus payload when a frame was read, else 0.</param>
    public static Rfc4571ReadStatus TryReadFrame(ReadOnlySpan<byte> buffer, int maxPayloadLength, out ReadOnlySpan<byte> payload, out int consumed)
    {
        payload = default;
        consumed = 0;
        if (buffer.Length < HeaderLength) return Rfc4571ReadStatus.NeedMoreData;
        int length = BinaryPrimitives.ReadUInt16BigEndian(buffer);
        if (length == 0 || length > maxPayloadLength) return Rfc4571ReadStatus.Invalid;
        if (buffer.Length < HeaderLength + length) return Rfc4571ReadStatus.NeedMoreData;
        payload = buffer.Slice(HeaderLength, length);
        consumed = HeaderLength + length;
        return Rfc4571ReadStatus.Frame;
    }
}

/// <summary>
/// Reassembles RFC 4571 frames from stream reads of any size: append what a read returned,
/// then take frames until <see cref="Rfc4571ReadStatus.NeedMoreData"/>. Keeps at most one
/// partial frame (bounded by the limit); not thread-safe (one reader per connection).
/// </summary>
internal sealed class Rfc4571FrameReader
{
    private readonly int _maxPayloadLength;
    private byte[] _buffer;
    private int _start, _end;

    /// <param name="maxPayloadLength">Larger frames make <see cref="TryRead"/> return
    /// <see cref="Rfc4571ReadStatus.Invalid"/> (1-65,535).</param>
    public Rfc4571FrameReader(int maxPayloadLength = Rfc4571Framing.MaxPayloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPayloadLength, Rfc4571Framing.MaxPayloadLength);
        _maxPayloadLength = maxPayloadLength;
        _buffer = new byte[Math.Min(4096, Rfc4571Framing.GetFrameLength(maxPayloadLength))];
    }

    /// <summary>Bytes held that do not yet form a whole frame (or are not yet taken).</summary>
    public int Buffered => _end - _start;

    /// <summary>Appends bytes read from the stream.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        if (_start > 0 && _start == _end)
        {
            _start = _end = 0;
        }
        if (_buffer.Length - _end < data.Length)
        {
            int held = _end - _start;
            int needed = held + data.Length;
            if (needed <= _buffer.Length)
            {
                _buffer.AsSpan(_start, held).CopyTo(_buffer);
            }
            else
            {
                var bigger = new byte[Math.Max(needed, _buffer.Length * 2)];
                _buffer.AsSpan(_start, held).CopyTo(bigger);
                _buffer = bigger;
            }
            _start = 0;
            _end = held;
        }
        data.CopyTo(_buffer.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>The first payload byte of the next frame once it has arrived, before the whole
    /// frame has: lets a receiver refuse a stream whose content is plainly not what it expects
    /// (RFC 7983 first-byte ranges) without waiting for up to 64 KiB of it.</summary>
    public bool TryPeekPayloadByte(out byte first)
    {
        first = 0;
        if (_end - _start <= Rfc4571Framing.HeaderLength) return false;
        first = _buffer[_start + Rfc4571Framing.HeaderLength];
        return true;
    }

    /// <summary>The payload length the next frame's header announces, once the header has arrived.</summary>
    public bool TryPeekPayloadLength(out int length)
    {
        length = 0;
        if (_end - _start < Rfc4571Framing.HeaderLength) return false;
        length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start));
        return true;
    }

    /// <summary>Takes the next whole frame's payload (a copy), if there is one.</summary>
    public Rfc4571ReadStatus TryRead(out byte[]? payload)
    {
        payload = null;
        var status = Rfc4571Framing.TryReadFrame(_buffer.AsSpan(_start, _end - _start), _maxPayloadLength, out var frame, out int consumed);
        if (status != Rfc4571ReadStatus.Frame) return status;
        payload = frame.ToArray();
        _start += consumed;
        return status;
    }
}

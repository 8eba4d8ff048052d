using System.Buffers.Binary;

namespace WebRtcPS.Engine.Dtls;

/// <summary>A bounds-checked cursor over a handshake body: every read checks what is left first and
/// returns false instead of throwing, so peer input never throws (RFC 5246 §4 vector encoding).</summary>
internal ref struct HandshakeBodyReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Position => _position;
    public readonly int Remaining => _data.Length - _position;
    public readonly bool IsEmpty => _position == _data.Length;
    public readonly ReadOnlySpan<byte> Rest => _data[_position..];

    public bool TryReadUInt8(out byte value)
    {
        value = 0;
        if (Remaining < 1) return false;
        value = _data[_position++];
        return true;
    }

    public bool TryReadUInt16(out ushort value)
    {
        value = 0;
        if (Remaining < 2) return false;
        value = BinaryPrimitives.ReadUInt16BigEndian(_data[_position..]);
        _position += 2;
        return true;
    }

    public bool TryReadUInt24(out int value)
    {
        value = 0;
        if (Remaining < 3) return false;
        value = _data[_position] << 16 | _data[_position + 1] << 8 | _data[_position + 2];
        _position += 3;
        return true;
    }

    public bool TryReadBytes(int count, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (count < 0 || Remaining < count) return false;
        value = _data.Slice(_position, count);
        _position += count;
        return true;
    }

    /// <summary>opaque x&lt;min..max&gt; with a 1-byte length.</summary>
    public bool TryReadVector8(int min, int max, out ReadOnlySpan<byte> value)
    {
        value = default;
        return TryReadUInt8(out var length) && length >= min && length <= max && TryReadBytes(length, out value);
    }

    /// <summary>opaque x&lt;min..max&gt; with a 2-byte length.</summary>
    public bool TryReadVector16(int min, int max, out ReadOnlySpan<byte> value)
    {
        value = default;
        return TryReadUInt16(out var length) && length >= min && length <= max && TryReadBytes(length, out value);
    }

    /// <summary>opaque x&lt;min..max&gt; with a 3-byte length.</summary>
    public bool TryReadVector24(int min, int max, out ReadOnlySpan<byte> value)
    {
        value = default;
        return TryReadUInt24(out var length) && length >= min && length <= max && TryReadBytes(length, out value);
    }

    /// <summary>A uint16 list vector (cipher suites, groups, signature schemes, SRTP profiles):
    /// a 2-byte length that is even and at least <paramref name="minItems"/> entries.</summary>
    public bool TryReadUInt16List(int minItems, out ushort[] values)
    {
        values = [];
        if (!TryReadVector16(2 * minItems, 0xFFFF, out var bytes) || bytes.Length % 2 != 0) return false;
        values = new ushort[bytes.Length / 2];
        for (int i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes[(2 * i)..]);
        return true;
    }
}

using System.Buffers.Binary;

namespace WebRtcPS.Engine.Dtls;

/// <summary>Writes handshake bodies (RFC 5246 §4 vectors). What is written is ours, so a vector
/// longer than its length field can say is a bug: it throws rather than emit a corrupt length.</summary>
internal ref struct HandshakeBodyWriter(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;
    private int _position;

    public readonly int Position => _position;

    public void WriteUInt8(byte value) => _destination[_position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_destination[_position..], value);
        _position += 2;
    }

    public void WriteUInt24(int value)
    {
        if ((uint)value > 0xFFFFFF) throw new ArgumentOutOfRangeException(nameof(value), value, "Does not fit 24 bits.");
        _destination[_position] = (byte)(value >> 16);
        _destination[_position + 1] = (byte)(value >> 8);
        _destination[_position + 2] = (byte)value;
        _position += 3;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_destination[_position..]);
        _position += value.Length;
    }

    public void WriteVector8(ReadOnlySpan<byte> value)
    {
        if (value.Length > 0xFF) throw new ArgumentException($"A {value.Length}-byte vector does not fit a 1-byte length.", nameof(value));
        WriteUInt8((byte)value.Length);
        WriteBytes(value);
    }

    public void WriteVector16(ReadOnlySpan<byte> value)
    {
        if (value.Length > 0xFFFF) throw new ArgumentException($"A {value.Length}-byte vector does not fit a 2-byte length.", nameof(value));
        WriteUInt16((ushort)value.Length);
        WriteBytes(value);
    }

    public void WriteVector24(ReadOnlySpan<byte> value)
    {
        WriteUInt24(value.Length);
        WriteBytes(value);
    }

    public void WriteUInt16List(ReadOnlySpan<ushort> values)
    {
        if (values.Length > 0x7FFF) throw new ArgumentException($"{values.Length} entries do not fit a 2-byte length.", nameof(values));
        WriteUInt16((ushort)(2 * values.Length));
        foreach (var v in values) WriteUInt16(v);
    }
}

using System.Buffers.Binary;

namespace WebRtcPS.Engine.Stun;

/// <summary>
/// Walks the attribute TLVs of a framed message (RFC 8489 §14): each value is padded to a
/// multiple of 4 bytes, and neither header nor padded value may run past the message body.
/// Stops at the first malformed attribute; <see cref="IsComplete"/> tells whether the whole
/// body was consumed cleanly.
/// </summary>
internal ref struct StunAttributeReader
{
    private readonly ReadOnlySpan<byte> _message;
    private int _next;

    /// <param name="message">A whole message whose header length already matched its size.</param>
    public StunAttributeReader(ReadOnlySpan<byte> message)
    {
        _message = message;
        _next = StunMessage.HeaderLength;
        IsComplete = message.Length == StunMessage.HeaderLength;
    }

    public StunAttributeType Type { get; private set; }

    /// <summary>Offset of the attribute header within the message.</summary>
    public int Offset { get; private set; }

    public readonly int ValueOffset => Offset + StunAttribute.HeaderLength;
    public int ValueLength { get; private set; }
    public readonly ReadOnlySpan<byte> Value => _message.Slice(ValueOffset, ValueLength);

    /// <summary>True once every byte of the body has been read as well-formed attributes.</summary>
    public bool IsComplete { get; private set; }

    public bool MoveNext()
    {
        int remaining = _message.Length - _next;
        if (remaining < StunAttribute.HeaderLength) return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(_message[(_next + 2)..]);
        int padded = StunAttribute.PaddedLength(length);
        if (StunAttribute.HeaderLength + padded > remaining) return false;

        Type = (StunAttributeType)BinaryPrimitives.ReadUInt16BigEndian(_message[_next..]);
        Offset = _next;
        ValueLength = length;
        _next += StunAttribute.HeaderLength + padded;
        IsComplete = _next == _message.Length;
        return true;
    }
}

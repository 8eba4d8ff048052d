using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Stun;

/// <summary>
/// A STUN message (RFC 8489 §5): type, transaction id and the attributes in wire order.
/// <code>
///  0                   1                   2                   3
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |0 0|     STUN Message Type     |         Message Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Magic Cookie                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                     Transaction ID (96 bits)                  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// A parsed message keeps the bytes it came from in <see cref="Raw"/>, because
/// MESSAGE-INTEGRITY and FINGERPRINT cover the padding exactly as it was sent.
/// </summary>
internal sealed class StunMessage : IEquatable<StunMessage>
{
    public const int HeaderLength = 20;
    public const uint MagicCookie = 0x2112A442;

    /// <summary>The largest body the 16-bit length field can describe, rounded down to 4.</summary>
    public const int MaxBodyLength = 0xFFFC;

    private readonly StunAttribute[] _attributes;
    private ReadOnlyMemory<byte> _raw;

    public StunMessage(StunMessageType type, StunTransactionId transactionId, IEnumerable<StunAttribute>? attributes = null)
    {
        Type = type;
        TransactionId = transactionId;
        _attributes = attributes?.ToArray() ?? [];
        int body = 0;
        foreach (var a in _attributes) body += a.EncodedLength;
        if (body > MaxBodyLength) throw new ArgumentException("The attributes exceed the 65532-byte STUN body.", nameof(attributes));
        EncodedLength = HeaderLength + body;
    }

    private StunMessage(StunMessageType type, StunTransactionId transactionId, StunAttribute[] attributes, byte[] raw)
    {
        Type = type;
        TransactionId = transactionId;
        _attributes = attributes;
        _raw = raw;
        EncodedLength = raw.Length;
    }

    public StunMessageType Type { get; }
    public StunMethod Method => Type.Method;
    public StunClass Class => Type.Class;
    public StunTransactionId TransactionId { get; }

    /// <summary>All attributes in wire order, including any after MESSAGE-INTEGRITY or FINGERPRINT.</summary>
    public IReadOnlyList<StunAttribute> Attributes => _attributes;

    /// <summary>Header plus attributes, in bytes.</summary>
    public int EncodedLength { get; }

    /// <summary>The wire bytes: as received for a parsed message, else as <see cref="Write"/> makes them.</summary>
    public ReadOnlyMemory<byte> Raw => _raw.IsEmpty ? (_raw = ToArray()) : _raw;

    /// <summary>
    /// Cheap test for the RFC 7983 demultiplexer and for STUN sharing a port with other traffic
    /// (RFC 8489 §5): a first byte in 0..3 (RFC 7983 §7; it implies the two leading zero bits
    /// and holds every method below 0x100), the magic cookie, and a length that is a multiple
    /// of 4 and fits in <paramref name="data"/>.
    /// </summary>
    public static bool IsStun(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderLength || data[0] > 3) return false;
        if (BinaryPrimitives.ReadUInt32BigEndian(data[4..]) != MagicCookie) return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        return (length & 3) == 0 && HeaderLength + length <= data.Length;
    }

    /// <summary>
    /// From a header alone (at least 20 bytes), the total size of the message: what a stream
    /// framer (TURN over TCP/TLS) needs. False if the header is not STUN.
    /// </summary>
    public static bool TryGetMessageLength(ReadOnlySpan<byte> header, out int totalLength)
    {
        totalLength = 0;
        if (header.Length < HeaderLength || (header[0] & 0xC0) != 0) return false;
        if (BinaryPrimitives.ReadUInt32BigEndian(header[4..]) != MagicCookie) return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        if ((length & 3) != 0) return false;
        totalLength = HeaderLength + length;
        return true;
    }

    /// <summary>
    /// Parses exactly one message occupying all of <paramref name="data"/>. Malformed input
    /// (bad framing, an attribute running past the declared length) returns false; never throws.
    /// The bytes are copied, so the caller's buffer may be reused.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out StunMessage? message)
    {
        message = null;
        if (!TryGetMessageLength(data, out int total) || total != data.Length) return false;

        int count = 0;
        var reader = new StunAttributeReader(data);
        while (reader.MoveNext()) count++;
        if (!reader.IsComplete) return false;

        var raw = data.ToArray();
        var attributes = new StunAttribute[count];
        reader = new StunAttributeReader(raw);
        for (int i = 0; reader.MoveNext(); i++)
        {
            attributes[i] = new StunAttribute(reader.Type, raw.AsMemory(reader.ValueOffset, reader.ValueLength));
        }

        var type = StunMessageType.FromValue(BinaryPrimitives.ReadUInt16BigEndian(raw));
        var id = new StunTransactionId(raw.AsSpan(8, StunTransactionId.Length));
        message = new StunMessage(type, id, attributes, raw);
        return true;
    }

    /// <summary>Writes header and attributes (zero padding) and returns the byte count.</summary>
    public int Write(Span<byte> destination)
    {
        if (destination.Length < EncodedLength) throw new ArgumentException("Destination too small for the STUN message.", nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, Type.Value);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(EncodedLength - HeaderLength));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], MagicCookie);
        TransactionId.WriteTo(destination[8..]);
        int offset = HeaderLength;
        foreach (var attribute in _attributes)
        {
            var value = attribute.Value.Span;
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], (ushort)attribute.Type);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)value.Length);
            value.CopyTo(destination[(offset + StunAttribute.HeaderLength)..]);
            int padded = StunAttribute.PaddedLength(value.Length);
            destination.Slice(offset + StunAttribute.HeaderLength + value.Length, padded - value.Length).Clear();
            offset += StunAttribute.HeaderLength + padded;
        }
        return offset;
    }

    public byte[] ToArray()
    {
        if (!_raw.IsEmpty) return _raw.ToArray();
        var bytes = new byte[EncodedLength];
        Write(bytes);
        return bytes;
    }

    /// <summary>
    /// The attributes that count, in order: those after MESSAGE-INTEGRITY other than
    /// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, after MESSAGE-INTEGRITY-SHA256 other than
    /// FINGERPRINT, and after FINGERPRINT are ignored, since they are not integrity-protected
    /// (RFC 8489 §14.5-§14.7).
    /// </summary>
    public IEnumerable<StunAttribute> EffectiveAttributes
    {
        get
        {
            int stage = 0; // 0: before MI, 1: after MI, 2: after MI-SHA256, 3: after FINGERPRINT
            foreach (var a in _attributes)
            {
                bool counts = stage switch
                {
                    0 => true,
                    1 => a.Type is StunAttributeType.MessageIntegritySha256 or StunAttributeType.Fingerprint,
                    2 => a.Type is StunAttributeType.Fingerprint,
                    _ => false,
                };
                if (!counts) continue;
                yield return a;
                stage = a.Type switch
                {
                    StunAttributeType.MessageIntegrity => Math.Max(stage, 1),
                    StunAttributeType.MessageIntegritySha256 => Math.Max(stage, 2),
                    StunAttributeType.Fingerprint => 3,
                    _ => stage,
                };
            }
        }
    }

    /// <summary>The first of the <see cref="EffectiveAttributes"/> of <paramref name="type"/>.</summary>
    public bool TryGetAttribute(StunAttributeType type, out StunAttribute attribute)
    {
        foreach (var a in EffectiveAttributes)
        {
            if (a.Type != type) continue;
            attribute = a;
            return true;
        }
        attribute = default;
        return false;
    }

    public bool Contains(StunAttributeType type) => TryGetAttribute(type, out _);

    /// <summary>Reads a typed attribute; false if absent or malformed.</summary>
    public bool TryGet<T>(out T attribute) where T : IStunAttribute<T>
    {
        if (TryGetAttribute(T.AttributeType, out var raw) && T.TryParse(raw.Value.Span, out attribute)) return true;
        attribute = default!;
        return false;
    }

    /// <summary>Reads a typed XOR address attribute; false if absent or malformed.</summary>
    public bool TryGetXorAddress<T>(out T attribute) where T : IStunXorAddressAttribute<T>
    {
        if (TryGetAttribute(T.AttributeType, out var raw) && T.TryParse(raw.Value.Span, TransactionId, out attribute)) return true;
        attribute = default!;
        return false;
    }

    /// <summary>
    /// Comprehension-required attribute types (0x0000-0x7FFF) not understood, in order of first
    /// appearance among the <see cref="EffectiveAttributes"/>: a request carrying any gets a 420 with UNKNOWN-ATTRIBUTES listing them, a
    /// response carrying any is discarded (RFC 8489 §6.3.1, §6.3.3). Comprehension-optional
    /// types are ignored. <paramref name="isUnderstood"/> defaults to the engine's own codecs.
    /// </summary>
    public IReadOnlyList<StunAttributeType> GetUnknownComprehensionRequired(Func<StunAttributeType, bool>? isUnderstood = null)
    {
        isUnderstood ??= StunAttributeTypeExtensions.IsUnderstood;
        List<StunAttributeType>? unknown = null;
        foreach (var a in EffectiveAttributes)
        {
            if (!a.Type.IsComprehensionRequired() || isUnderstood(a.Type)) continue;
            unknown ??= [];
            if (!unknown.Contains(a.Type)) unknown.Add(a.Type);
        }
        return unknown ?? (IReadOnlyList<StunAttributeType>)[];
    }

    /// <summary>Structural equality: type, transaction id and attributes (not padding bytes).</summary>
    public bool Equals(StunMessage? other) =>
        other is not null && Type == other.Type && TransactionId == other.TransactionId &&
        _attributes.AsSpan().SequenceEqual(other._attributes);

    public override bool Equals(object? obj) => Equals(obj as StunMessage);
    public override int GetHashCode() => HashCode.Combine(Type, TransactionId, _attributes.Length);

    public override string ToString() => $"{Type} {TransactionId} [{string.Join(", ", _attributes.Select(a => a.Type))}]";
}

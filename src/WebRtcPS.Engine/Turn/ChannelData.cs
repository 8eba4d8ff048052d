using System.Buffers.Binary;

namespace WebRtcPS.Engine.Turn;

/// <summary>
/// A ChannelData message (RFC 8656 §12.4): application data to or from a peer bound to a channel.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Channel Number        |            Length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// /                       Application Data                        /
/// +-------------------------------+-------------------------------+
/// </code>
/// Length counts the application data only. Over UDP the message may be unpadded (senders may
/// pad); over TCP/TLS it is padded to a multiple of 4 with the padding not counted (§12.5).
/// Channel numbers 0x4000-0x4FFF are bindable; 0x5000-0x7FFF are reserved (RFC 8656 §12),
/// and a first byte of 64-79 tells ChannelData from STUN/DTLS (RFC 7983).
/// </summary>
internal readonly struct ChannelData
{
    public const int HeaderLength = 4;
    public const ushort MinChannel = 0x4000;
    public const ushort MaxChannel = 0x4FFF;

    public ChannelData(ushort channelNumber, ReadOnlyMemory<byte> data)
    {
        if (!IsValidChannel(channelNumber)) throw new ArgumentOutOfRangeException(nameof(channelNumber), channelNumber, "Channel numbers are 0x4000-0x4FFF (RFC 8656 §12).");
        if (data.Length > ushort.MaxValue) throw new ArgumentException("ChannelData carries at most 65535 bytes.", nameof(data));
        ChannelNumber = channelNumber;
        Data = data;
    }

    public ushort ChannelNumber { get; }
    public ReadOnlyMemory<byte> Data { get; }

    public static bool IsValidChannel(ushort channelNumber) => channelNumber is >= MinChannel and <= MaxChannel;

    /// <summary>True when the first two bits are 01, i.e. the first byte is 64-127: a channel
    /// number rather than a STUN message type (RFC 8656 §12.4, RFC 7983).</summary>
    public static bool IsChannelData(ReadOnlySpan<byte> packet) => packet.Length >= 1 && (packet[0] & 0xC0) == 0x40;

    /// <summary>Bytes on the wire: unpadded for datagrams, padded to 4 on streams.</summary>
    public int GetEncodedLength(bool padded) => HeaderLength + (padded ? PaddedLength(Data.Length) : Data.Length);

    public static int PaddedLength(int length) => (length + 3) & ~3;

    /// <summary>Writes the message; returns the bytes written. Padding bytes are zero.</summary>
    public int Write(Span<byte> destination, bool padded)
    {
        int total = GetEncodedLength(padded);
        if (destination.Length < total) throw new ArgumentException("Destination too short.", nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, ChannelNumber);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)Data.Length);
        Data.Span.CopyTo(destination[HeaderLength..]);
        destination[(HeaderLength + Data.Length)..total].Clear();
        return total;
    }

    public byte[] ToArray(bool padded)
    {
        var bytes = new byte[GetEncodedLength(padded)];
        Write(bytes, padded);
        return bytes;
    }

    /// <summary>
    /// Parses one ChannelData message. Trailing bytes beyond the announced length (padding, up to
    /// 3 bytes on streams or from a padding sender on UDP) are ignored; a message shorter than its
    /// length, or a channel number outside 0x4000-0x4FFF, is rejected. The data is copied.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out ChannelData message)
    {
        message = default;
        if (packet.Length < HeaderLength) return false;
        ushort channel = BinaryPrimitives.ReadUInt16BigEndian(packet);
        int length = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (!IsValidChannel(channel) || packet.Length < HeaderLength + length) return false;
        message = new ChannelData(channel, packet.Slice(HeaderLength, length).ToArray());
        return true;
    }

    /// <summary>Header-only parse without copying: the channel and the data's range in the packet.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> packet, out ushort channel, out int dataLength)
    {
        channel = 0;
        dataLength = 0;
        if (packet.Length < HeaderLength) return false;
        channel = BinaryPrimitives.ReadUInt16BigEndian(packet);
        dataLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        return IsValidChannel(channel) && packet.Length >= HeaderLength + dataLength;
    }
}

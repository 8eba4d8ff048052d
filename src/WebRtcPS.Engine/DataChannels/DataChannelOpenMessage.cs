using System.Buffers.Binary;
using System.Text;

namespace WebRtcPS.Engine.DataChannels;

/// <summary>DATA_CHANNEL_OPEN (RFC 8832 §5.1), sent with PPID 50 on the stream being opened.</summary>
/// <remarks><code>
///  0                   1                   2                   3
/// |  Message Type |  Channel Type |            Priority           |
/// |                    Reliability Parameter                      |
/// |         Label Length          |       Protocol Length         |
/// \                             Label                             /
/// \                            Protocol                           /
/// </code>
/// Message Type = 0x03. Reliability Parameter is the retransmission count or the lifetime in ms
/// (ignored for reliable types). Label and Protocol are UTF-8 and not padded.</remarks>
internal sealed record DataChannelOpenMessage(DataChannelType ChannelType, ushort Priority, uint ReliabilityParameter, string Label, string Protocol)
{
    public const byte MessageType = 0x03;
    private const int FixedLength = 12;

    public int EncodedLength => FixedLength + Encoding.UTF8.GetByteCount(Label) + Encoding.UTF8.GetByteCount(Protocol);

    public bool Ordered => ((byte)ChannelType & 0x80) == 0;

    /// <summary>The retransmission limit, or null when the channel is not limited by retransmissions.</summary>
    public ushort? MaxRetransmits => ((byte)ChannelType & 0x7F) == 0x01 ? (ushort)Math.Min(ReliabilityParameter, ushort.MaxValue) : null;

    /// <summary>The lifetime limit in ms, or null when the channel is not limited by time.</summary>
    public ushort? MaxPacketLifeTime => ((byte)ChannelType & 0x7F) == 0x02 ? (ushort)Math.Min(ReliabilityParameter, ushort.MaxValue) : null;

    /// <summary>Builds the message for a channel's W3C options.</summary>
    public static DataChannelOpenMessage For(string label, string protocol, bool ordered, ushort? maxRetransmits, ushort? maxPacketLifeTime, ushort priority = 256)
    {
        byte type = maxRetransmits.HasValue ? (byte)0x01 : maxPacketLifeTime.HasValue ? (byte)0x02 : (byte)0x00;
        if (!ordered) type |= 0x80;
        return new DataChannelOpenMessage((DataChannelType)type, priority, maxRetransmits ?? maxPacketLifeTime ?? 0, label, protocol);
    }

    public static bool TryParse(ReadOnlySpan<byte> message, out DataChannelOpenMessage open)
    {
        open = null!;
        if (message.Length < FixedLength || message[0] != MessageType) return false;
        var type = message[1];
        if ((type & 0x7F) > 0x02) return false;
        int labelLength = BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        int protocolLength = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        if (message.Length < FixedLength + labelLength + protocolLength) return false;
        var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: false);
        open = new DataChannelOpenMessage((DataChannelType)type, BinaryPrimitives.ReadUInt16BigEndian(message[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(message[4..]),
            utf8.GetString(message.Slice(FixedLength, labelLength)),
            utf8.GetString(message.Slice(FixedLength + labelLength, protocolLength)));
        return true;
    }

    public int Write(Span<byte> destination)
    {
        destination[0] = MessageType;
        destination[1] = (byte)ChannelType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Priority);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ReliabilityParameter);
        var label = Encoding.UTF8.GetBytes(Label, destination[FixedLength..]);
        var protocol = Encoding.UTF8.GetBytes(Protocol, destination[(FixedLength + label)..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], checked((ushort)label));
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], checked((ushort)protocol));
        return FixedLength + label + protocol;
    }

    public byte[] ToArray()
    {
        var buffer = new byte[EncodedLength];
        Write(buffer);
        return buffer;
    }
}

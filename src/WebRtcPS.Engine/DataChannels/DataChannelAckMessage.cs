namespace WebRtcPS.Engine.DataChannels;

/// <summary>DATA_CHANNEL_ACK (RFC 8832 §5.2): one byte, Message Type = 0x02, sent with PPID 50
/// on the stream of the DATA_CHANNEL_OPEN it answers.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Instance members, as every codec's, though this one has no fields.")]
internal readonly record struct DataChannelAckMessage
{
    public const byte MessageType = 0x02;
    public int EncodedLength => 1;

    public static bool TryParse(ReadOnlySpan<byte> message, out DataChannelAckMessage ack)
    {
        ack = default;
        return message.Length >= 1 && message[0] == MessageType;
    }

    public int Write(Span<byte> destination)
    {
        destination[0] = MessageType;
        return 1;
    }
}

namespace WebRtcPS.Engine.DataChannels;

/// <summary>SCTP Payload Protocol Identifiers used by WebRTC data channels (RFC 8831 §8, RFC 8832 §8.1).</summary>
internal enum DataChannelPpid : uint
{
    /// <summary>DCEP control message (DATA_CHANNEL_OPEN / DATA_CHANNEL_ACK).</summary>
    Dcep = 50,
    String = 51,
    /// <summary>Deprecated partial string (RFC 8831 §6.6); recognised on receive only.</summary>
    StringPartial = 52,
    Binary = 53,
    /// <summary>Deprecated partial binary (RFC 8831 §6.6); recognised on receive only.</summary>
    BinaryPartial = 54,
    /// <summary>An empty string; the message carries one ignored byte (SCTP DATA cannot be empty).</summary>
    StringEmpty = 56,
    /// <summary>An empty binary message; the message carries one ignored byte.</summary>
    BinaryEmpty = 57,
}

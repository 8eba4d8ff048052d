namespace WebRtcPS.Engine.DataChannels;

/// <summary>Channel Type of DATA_CHANNEL_OPEN (RFC 8832 §5.1). The high bit means unordered; the
/// low bits select full reliability, a retransmission limit, or a lifetime limit in milliseconds.</summary>
internal enum DataChannelType : byte
{
    Reliable = 0x00,
    ReliableUnordered = 0x80,
    PartialReliableRexmit = 0x01,
    PartialReliableRexmitUnordered = 0x81,
    PartialReliableTimed = 0x02,
    PartialReliableTimedUnordered = 0x82,
}

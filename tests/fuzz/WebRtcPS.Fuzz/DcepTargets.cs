using WebRtcPS.Engine.DataChannels;

namespace WebRtcPS.Fuzz;

/// <summary>DCEP (RFC 8832) DATA_CHANNEL_OPEN and DATA_CHANNEL_ACK: false on malformed input,
/// never throws.</summary>
internal static class DcepTargets
{
    public static void Message(ReadOnlySpan<byte> input)
    {
        if (DataChannelOpenMessage.TryParse(input, out var open))
        {
            _ = open.ToArray();
            _ = open.MaxRetransmits;
            _ = open.MaxPacketLifeTime;
        }
        _ = DataChannelAckMessage.TryParse(input, out _);
    }
}

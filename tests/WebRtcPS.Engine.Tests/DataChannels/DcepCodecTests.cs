using WebRtcPS.Engine.DataChannels;

namespace WebRtcPS.Engine.Tests.DataChannels;

public class DcepCodecTests
{
    [Fact]
    public void OpenMatchesRfc8832Layout()
    {
        // Reliable ordered, priority 256, label "chat", protocol "" (hand-built from RFC 8832 §5.1).
        var open = DataChannelOpenMessage.For("chat", "", ordered: true, null, null);
        Assert.Equal("03000100000000000004000063686174", Convert.ToHexString(open.ToArray()));
    }

    [Theory]
    [InlineData(true, null, null, DataChannelType.Reliable)]
    [InlineData(false, null, null, DataChannelType.ReliableUnordered)]
    [InlineData(true, (ushort)3, null, DataChannelType.PartialReliableRexmit)]
    [InlineData(false, (ushort)3, null, DataChannelType.PartialReliableRexmitUnordered)]
    [InlineData(true, null, (ushort)500, DataChannelType.PartialReliableTimed)]
    [InlineData(false, null, (ushort)500, DataChannelType.PartialReliableTimedUnordered)]
    public void ChannelTypesRoundTrip(bool ordered, ushort? maxRetransmits, ushort? maxLifeTime, object expectedType)
    {
        var expected = (DataChannelType)expectedType; // (an internal enum cannot be a public theory's parameter type)
        var open = DataChannelOpenMessage.For("läbel ✓", "proto", ordered, maxRetransmits, maxLifeTime);
        Assert.Equal(expected, open.ChannelType);
        Assert.True(DataChannelOpenMessage.TryParse(open.ToArray(), out var back));
        Assert.Equal(open, back);
        Assert.Equal(ordered, back.Ordered);
        Assert.Equal(maxRetransmits, back.MaxRetransmits);
        Assert.Equal(maxLifeTime, back.MaxPacketLifeTime);
    }

    [Fact]
    public void AckIsOneByte()
    {
        var buffer = new byte[1];
        Assert.Equal(1, new DataChannelAckMessage().Write(buffer));
        Assert.Equal(0x02, buffer[0]);
        Assert.True(DataChannelAckMessage.TryParse(buffer, out _));
        Assert.False(DataChannelAckMessage.TryParse([0x03], out _));
    }

    [Fact]
    public void PpidsHaveRfcValues()
    {
        Assert.Equal(50u, (uint)DataChannelPpid.Dcep);
        Assert.Equal(51u, (uint)DataChannelPpid.String);
        Assert.Equal(52u, (uint)DataChannelPpid.StringPartial);
        Assert.Equal(53u, (uint)DataChannelPpid.Binary);
        Assert.Equal(54u, (uint)DataChannelPpid.BinaryPartial);
        Assert.Equal(56u, (uint)DataChannelPpid.StringEmpty);
        Assert.Equal(57u, (uint)DataChannelPpid.BinaryEmpty);
    }

    [Fact]
    public void TruncatedOrRandomInputNeverThrows()
    {
        var valid = DataChannelOpenMessage.For("label", "protocol", true, null, null).ToArray();
        for (var n = 0; n < valid.Length; n++) Assert.False(DataChannelOpenMessage.TryParse(valid.AsSpan(0, n), out _));
        var rng = new Random(5);
        for (var i = 0; i < 5000; i++)
        {
            var input = new byte[rng.Next(0, 40)];
            rng.NextBytes(input);
            if (input.Length > 0 && i % 2 == 0) input[0] = 0x03;
            _ = DataChannelOpenMessage.TryParse(input, out _); // only: never throws
        }
    }
}

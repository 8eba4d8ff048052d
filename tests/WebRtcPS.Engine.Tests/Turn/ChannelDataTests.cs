using System.Buffers.Binary;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Engine.Tests.Turn;

public sealed class ChannelDataTests
{
    [Fact]
    public void EncodesTheRfc8656Layout()
    {
        var message = new ChannelData(0x4001, new byte[] { 0xAA, 0xBB, 0xCC, 0xDD, 0xEE });
        Assert.Equal(new byte[] { 0x40, 0x01, 0x00, 0x05, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE }, message.ToArray(padded: false));
        Assert.Equal(new byte[] { 0x40, 0x01, 0x00, 0x05, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0, 0, 0 }, message.ToArray(padded: true));
        Assert.Equal(9, message.GetEncodedLength(false));
        Assert.Equal(12, message.GetEncodedLength(true));
    }

    [Theory]
    [InlineData("40000000", true, 0x4000, 0)]
    [InlineData("4fff0001ff", true, 0x4FFF, 1)]
    [InlineData("4fff0001ff000000", true, 0x4FFF, 1)]      // padded (stream / padding sender)
    [InlineData("50000000", false, 0, 0)]                 // reserved range
    [InlineData("3fff0000", false, 0, 0)]                 // not a channel
    [InlineData("40000002ff", false, 0, 0)]               // shorter than its length
    [InlineData("4000", false, 0, 0)]                     // no header
    public void ParsesOrRejects(string hex, bool ok, int channel, int length)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.Equal(ok, ChannelData.TryParse(bytes, out var message));
        if (!ok) return;
        Assert.Equal(channel, message.ChannelNumber);
        Assert.Equal(length, message.Data.Length);
    }

    [Fact]
    public void RejectsInvalidChannelsOnConstruction()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChannelData(0x3FFF, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChannelData(0x5000, default));
        Assert.Throws<ArgumentException>(() => new ChannelData(0x4000, new byte[65536]));
    }

    [Fact]
    public void TellsChannelDataFromStun()
    {
        Assert.True(ChannelData.IsChannelData([0x40]));
        Assert.True(ChannelData.IsChannelData([0x7F]));
        Assert.False(ChannelData.IsChannelData([0x00, 0x01]));
        Assert.False(ChannelData.IsChannelData([0x80]));
        Assert.False(ChannelData.IsChannelData([]));
    }

    [Fact]
    public void FuzzNeverThrowsAndRoundTrips()
    {
        var random = new Random(8656);
        var buffer = new byte[80];
        for (int i = 0; i < 20000; i++)
        {
            int length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer);
            if (i % 2 == 0) buffer[0] = (byte)(0x40 | (buffer[0] & 0x0F));
            if (i % 3 == 0 && length >= 4) BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)random.Next(length - 3));
            var span = buffer.AsSpan(0, length);
            if (ChannelData.TryParse(span, out var message))
            {
                var again = message.ToArray(padded: i % 2 == 0);
                Assert.True(ChannelData.TryParse(again, out var reparsed));
                Assert.Equal(message.ChannelNumber, reparsed.ChannelNumber);
                Assert.True(message.Data.Span.SequenceEqual(reparsed.Data.Span));
                Assert.True(span[..(4 + message.Data.Length)].SequenceEqual(message.ToArray(false)));
            }
            TurnStreamFramer.TryGetFrameLength(span, out _);
        }
    }
}

public sealed class TurnStreamFramerTests
{
    private static byte[] Stun(int attributeBytes)
    {
        var builder = new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId());
        if (attributeBytes > 0) builder.Add(new Software(new string('s', attributeBytes)));
        return builder.ToArray();
    }

    /// <summary>A stream that returns at most <paramref name="chunk"/> bytes per read.</summary>
    private sealed class TricklingStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task ReadsExactlyOneFrameAtATimeWithPaddingRemoved(int chunk)
    {
        var stun1 = Stun(0);
        var data5 = new ChannelData(0x4000, new byte[] { 1, 2, 3, 4, 5 });
        var stun2 = Stun(13);
        var data0 = new ChannelData(0x4123, ReadOnlyMemory<byte>.Empty);
        var data8 = new ChannelData(0x4FFF, new byte[] { 9, 8, 7, 6, 5, 4, 3, 2 });
        var stream = new MemoryStream();
        foreach (var frame in new[] { stun1, data5.ToArray(true), stun2, data0.ToArray(true), data8.ToArray(true) }) stream.Write(frame);
        using var reader = new TricklingStream(stream.ToArray(), chunk);

        Assert.Equal(stun1, await TurnStreamFramer.ReadFrameAsync(reader, default));
        Assert.Equal(data5.ToArray(false), await TurnStreamFramer.ReadFrameAsync(reader, default));
        Assert.Equal(stun2, await TurnStreamFramer.ReadFrameAsync(reader, default));
        Assert.Equal(data0.ToArray(false), await TurnStreamFramer.ReadFrameAsync(reader, default));
        Assert.Equal(data8.ToArray(false), await TurnStreamFramer.ReadFrameAsync(reader, default));
        Assert.Null(await TurnStreamFramer.ReadFrameAsync(reader, default));
    }

    [Fact]
    public async Task RejectsGarbageAndTruncation()
    {
        await Assert.ThrowsAsync<InvalidDataException>(async () => await TurnStreamFramer.ReadFrameAsync(new MemoryStream([0x80, 0, 0, 0]), default));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await TurnStreamFramer.ReadFrameAsync(new MemoryStream([0x00, 0x01, 0x00, 0x03]), default)); // STUN length not a multiple of 4
        await Assert.ThrowsAsync<InvalidDataException>(async () => await TurnStreamFramer.ReadFrameAsync(new MemoryStream([0x40, 0x00, 0x00, 0x08, 1, 2]), default));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await TurnStreamFramer.ReadFrameAsync(new MemoryStream([0x40, 0x00]), default));
    }

    [Fact]
    public void PadsOnlyChannelData()
    {
        var stun = Stun(5);
        Assert.Equal(stun, TurnStreamFramer.PadForStream(stun).ToArray());
        Assert.Equal(8, TurnStreamFramer.PadForStream(new byte[] { 0x40, 0, 0, 1, 7 }).Length);
        Assert.Equal(8, TurnStreamFramer.PadForStream(new byte[] { 0x40, 0, 0, 4, 1, 2, 3, 4 }).Length);
    }

    [Fact]
    public void FrameLengthFromHeader()
    {
        Assert.True(TurnStreamFramer.TryGetFrameLength([0x00, 0x03, 0x00, 0x08], out var n));
        Assert.Equal(28, n);
        Assert.True(TurnStreamFramer.TryGetFrameLength([0x40, 0x00, 0x00, 0x05], out n));
        Assert.Equal(12, n);
        Assert.False(TurnStreamFramer.TryGetFrameLength([0xC0, 0, 0, 0], out _));
        Assert.False(TurnStreamFramer.TryGetFrameLength([0x40, 0], out _));
    }
}

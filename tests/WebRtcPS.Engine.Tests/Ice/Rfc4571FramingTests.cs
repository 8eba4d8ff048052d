using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

public sealed class Rfc4571FramingTests
{
    [Fact]
    public void Frame_IsBigEndianLengthThenPayload()
    {
        var frame = Rfc4571Framing.Frame([0x00, 0x01, 0xAB]);
        Assert.Equal(new byte[] { 0x00, 0x03, 0x00, 0x01, 0xAB }, frame);
        var big = Rfc4571Framing.Frame(new byte[0x1234]);
        Assert.Equal(0x12, big[0]);
        Assert.Equal(0x34, big[1]);
        Assert.Equal(0x1234 + 2, big.Length);
    }

    [Fact]
    public void WriteFrame_RefusesEmptyOversizedAndShortDestination()
    {
        Assert.Throws<ArgumentException>(() => Rfc4571Framing.Frame([]));
        Assert.Throws<ArgumentException>(() => Rfc4571Framing.Frame(new byte[65536]));
        Assert.Throws<ArgumentException>(() => Rfc4571Framing.WriteFrame([1, 2, 3], new byte[4]));
        Assert.Equal(65537, Rfc4571Framing.Frame(new byte[65535]).Length);
    }

    [Fact]
    public void TryReadFrame_NeedsHeaderAndWholePayload()
    {
        Assert.Equal(Rfc4571ReadStatus.NeedMoreData, Rfc4571Framing.TryReadFrame([], 100, out _, out int c0));
        Assert.Equal(0, c0);
        Assert.Equal(Rfc4571ReadStatus.NeedMoreData, Rfc4571Framing.TryReadFrame([0], 100, out _, out _));
        Assert.Equal(Rfc4571ReadStatus.NeedMoreData, Rfc4571Framing.TryReadFrame([0, 3, 1, 2], 100, out _, out _));
        Assert.Equal(Rfc4571ReadStatus.Frame, Rfc4571Framing.TryReadFrame([0, 3, 1, 2, 3, 9], 100, out var payload, out int consumed));
        Assert.Equal(new byte[] { 1, 2, 3 }, payload.ToArray());
        Assert.Equal(5, consumed);
    }

    [Fact]
    public void TryReadFrame_OversizedOrEmpty_IsInvalid_FromTheHeaderAlone()
    {
        Assert.Equal(Rfc4571ReadStatus.Invalid, Rfc4571Framing.TryReadFrame([0x01, 0x00], 255, out _, out _));
        Assert.Equal(Rfc4571ReadStatus.Invalid, Rfc4571Framing.TryReadFrame([0, 0, 7], 255, out _, out _));
        Assert.Equal(Rfc4571ReadStatus.NeedMoreData, Rfc4571Framing.TryReadFrame([0x00, 0xFF], 255, out _, out _));
    }

    [Fact]
    public void Reader_ReassemblesFramesSplitAtEveryByte()
    {
        var payloads = Enumerable.Range(1, 20).Select(n => Enumerable.Range(0, n * 37).Select(i => (byte)(i + n)).ToArray()).ToList();
        var stream = payloads.SelectMany(p => Rfc4571Framing.Frame(p)).ToArray();
        var reader = new Rfc4571FrameReader(4096);
        var got = new List<byte[]>();
        foreach (var b in stream)
        {
            reader.Append([b]);
            while (reader.TryRead(out var p) == Rfc4571ReadStatus.Frame) got.Add(p!);
        }
        Assert.Equal(payloads.Count, got.Count);
        for (int i = 0; i < payloads.Count; i++) Assert.Equal(payloads[i], got[i]);
        Assert.Equal(0, reader.Buffered);
    }

    [Fact]
    public void Reader_TakesManyFramesFromOneRead_AndKeepsTheTail()
    {
        var stream = Rfc4571Framing.Frame([1]).Concat(Rfc4571Framing.Frame([2, 2])).Concat(Rfc4571Framing.Frame([3, 3, 3])).ToArray();
        var reader = new Rfc4571FrameReader();
        reader.Append(stream.AsSpan(0, stream.Length - 1));
        Assert.Equal(Rfc4571ReadStatus.Frame, reader.TryRead(out var a));
        Assert.Equal(Rfc4571ReadStatus.Frame, reader.TryRead(out var b));
        Assert.Equal(Rfc4571ReadStatus.NeedMoreData, reader.TryRead(out _));
        Assert.True(reader.TryPeekPayloadLength(out int length));
        Assert.Equal(3, length);
        Assert.True(reader.TryPeekPayloadByte(out byte first));
        Assert.Equal(3, first);
        reader.Append(stream.AsSpan(stream.Length - 1));
        Assert.Equal(Rfc4571ReadStatus.Frame, reader.TryRead(out var c));
        Assert.Equal(new byte[] { 1 }, a);
        Assert.Equal(new byte[] { 2, 2 }, b);
        Assert.Equal(new byte[] { 3, 3, 3 }, c);
    }

    [Fact]
    public void Reader_LargeFramesAcrossReads_GrowTheBuffer()
    {
        var payload = Enumerable.Range(0, 65535).Select(i => (byte)i).ToArray();
        var stream = Rfc4571Framing.Frame(payload).Concat(Rfc4571Framing.Frame(payload)).ToArray();
        var reader = new Rfc4571FrameReader();
        var got = new List<byte[]>();
        for (int offset = 0; offset < stream.Length; offset += 1000)
        {
            reader.Append(stream.AsSpan(offset, Math.Min(1000, stream.Length - offset)));
            while (reader.TryRead(out var p) == Rfc4571ReadStatus.Frame) got.Add(p!);
        }
        Assert.Equal(2, got.Count);
        Assert.All(got, p => Assert.Equal(payload, p));
    }

    [Fact]
    public void Reader_Garbage_NeverThrows_AndStopsAtInvalid()
    {
        var random = new Random(4571);
        for (int round = 0; round < 2000; round++)
        {
            var reader = new Rfc4571FrameReader(random.Next(1, 3000));
            var junk = new byte[random.Next(0, 600)];
            random.NextBytes(junk);
            int pos = 0;
            while (pos < junk.Length)
            {
                int n = Math.Min(random.Next(1, 64), junk.Length - pos);
                reader.Append(junk.AsSpan(pos, n));
                pos += n;
                Rfc4571ReadStatus status;
                while ((status = reader.TryRead(out var p)) == Rfc4571ReadStatus.Frame) Assert.NotEmpty(p!);
                if (status == Rfc4571ReadStatus.Invalid) break;
            }
        }
    }

    [Theory]
    [InlineData(0, true, true)]
    [InlineData(1, true, true)]
    [InlineData(3, false, true)]
    [InlineData(23, true, false)]
    [InlineData(23, false, true)]
    [InlineData(63, false, true)]
    [InlineData(4, false, false)]
    [InlineData(64, false, false)]
    [InlineData((int)'G', true, false)]
    public void Connection_ReceivePolicy_FollowsRfc7983(int firstByte, bool firstFrame, bool acceptable) =>
        Assert.Equal(acceptable, TcpIceConnection.IsAcceptable((byte)firstByte, firstFrame));
}

using System.Net;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Ice;

public class UdpSegmentationTests
{
    private static DatagramBatch BatchOf(params int[] lengths)
    {
        var batch = new DatagramBatch();
        var n = 0;
        foreach (var length in lengths)
        {
            var d = new byte[length];
            for (var i = 0; i < length; i++) d[i] = (byte)(n + i);
            batch.Add(d);
            n++;
        }
        return batch;
    }

    [Fact]
    public void RunIsEqualSizesEndedByAtMostOneShorter()
    {
        var batch = BatchOf(1200, 1200, 1200, 700, 1200, 1200);
        Assert.Equal(4, UdpSegmentRuns.Next(batch, 0, out var size));
        Assert.Equal(1200, size);
        Assert.Equal(2, UdpSegmentRuns.Next(batch, 4, out size));
        Assert.Equal(1200, size);
    }

    [Fact]
    public void LongerDatagramOrEmptyOneStartsANewRun()
    {
        var batch = BatchOf(300, 1200, 1200, 0, 5);
        Assert.Equal(1, UdpSegmentRuns.Next(batch, 0, out var size));
        Assert.Equal(300, size);
        Assert.Equal(2, UdpSegmentRuns.Next(batch, 1, out _));
        Assert.Equal(1, UdpSegmentRuns.Next(batch, 3, out size));
        Assert.Equal(0, size);
    }

    [Fact]
    public void RunStopsAtTheSegmentAndByteLimits()
    {
        var small = BatchOf(Enumerable.Repeat(100, 70).ToArray());
        Assert.Equal(UdpSegmentRuns.MaxSegments, UdpSegmentRuns.Next(small, 0, out _));
        var large = BatchOf(Enumerable.Repeat(1400, 60).ToArray());
        var count = UdpSegmentRuns.Next(large, 0, out _);
        Assert.Equal(UdpSegmentRuns.MaxRunBytes / 1400, count);
    }

    [Fact]
    public void SocketAddressLayoutsAreTheKernels()
    {
        Span<byte> b = stackalloc byte[28];
        Assert.Equal(16, LinuxUdpSegmentation.WriteAddress(new IPEndPoint(IPAddress.Parse("198.18.0.1"), 0x1234), b));
        Assert.Equal(new byte[] { 2, 0, 0x12, 0x34, 198, 18, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 }, b[..16].ToArray());
        Assert.Equal(28, LinuxUdpSegmentation.WriteAddress(new IPEndPoint(IPAddress.IPv6Loopback, 5000), b));
        Assert.Equal(10, b[0]);
        Assert.Equal(new byte[] { 0x13, 0x88 }, b[2..4].ToArray());
        Assert.Equal(1, b[23]);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task BatchArrivesAsTheSameDatagramsInOrder(string address)
    {
        var ip = IPAddress.Parse(address);
        await using var sender = UdpIcePacketSocket.Bind(new IPEndPoint(ip, 0));
        await using var receiver = UdpIcePacketSocket.Bind(new IPEndPoint(ip, 0));
        int[] lengths = [1200, 1200, 1200, 1200, 517, 1200, 1200, 64, 90, 90, 90, 3];
        var batch = BatchOf(lengths);
        await sender.SendBatchToAsync(batch, receiver.LocalEndPoint);
        var buffer = new byte[2048];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (var i = 0; i < lengths.Length; i++)
        {
            var r = await receiver.ReceiveFromAsync(buffer, timeout.Token);
            Assert.Equal(batch[i].ToArray(), buffer.AsSpan(0, r.Length).ToArray());
            Assert.Equal(sender.LocalEndPoint.Port, r.RemoteEndPoint.Port);
        }
    }

    [Fact]
    public async Task SocketBuffersAreRaised()
    {
        await using var socket = UdpIcePacketSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        // Linux doubles what it grants; capped by net.core.rmem_max, so only "larger than the default".
        var field = typeof(UdpIcePacketSocket).GetField("_socket", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var s = (System.Net.Sockets.Socket)field.GetValue(socket)!;
        Assert.True(s.ReceiveBufferSize >= Math.Min(UdpIcePacketSocket.ReceiveBufferSize, 212_992 * 2), $"{s.ReceiveBufferSize}");
    }
}

public class UdpCoalescedReceiveTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task CoalescedRunsAreHandedOutAsTheSameDatagrams(string address)
    {
        var ip = IPAddress.Parse(address);
        await using var sender = UdpIcePacketSocket.Bind(new IPEndPoint(ip, 0));
        await using var receiver = UdpIcePacketSocket.Bind(new IPEndPoint(ip, 0));
        var coalescing = receiver.TryStartCoalescing();
        Assert.Equal(OperatingSystem.IsLinux() && Environment.Is64BitProcess, coalescing);
        var batch = new DatagramBatch();
        var rng = new Random(7);
        var lengths = new List<int>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var length in new[] { 1200, 1200, 1200, 1200, 1200, 517, 1200, 64, 64, 9 })
            {
                var d = new byte[length];
                rng.NextBytes(d);
                batch.Add(d);
                lengths.Add(length);
            }
        }
        var expected = Enumerable.Range(0, batch.Count).Select(i => batch[i].ToArray()).ToList();
        // Nothing queued yet: the receive waits (the zero-byte peek) and then takes the run.
        var buffer = new byte[2048];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var first = receiver.ReceiveFromAsync(buffer, timeout.Token);
        await Task.Delay(50);
        Assert.False(first.IsCompleted);
        await sender.SendBatchToAsync(batch, receiver.LocalEndPoint);
        var r = await first;
        Assert.Equal(expected[0], buffer.AsSpan(0, r.Length).ToArray());
        Assert.Equal(sender.LocalEndPoint, r.RemoteEndPoint);
        for (var i = 1; i < expected.Count; i++)
        {
            r = await receiver.ReceiveFromAsync(buffer, timeout.Token);
            Assert.Equal(expected[i], buffer.AsSpan(0, r.Length).ToArray());
            Assert.Equal(sender.LocalEndPoint, r.RemoteEndPoint);
        }
    }

    [Fact]
    public async Task ShortBufferTruncatesEachDatagramAsUdpDoes()
    {
        await using var sender = UdpIcePacketSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var receiver = UdpIcePacketSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        receiver.TryStartCoalescing();
        var batch = new DatagramBatch();
        batch.Add(Enumerable.Repeat((byte)1, 100).ToArray());
        batch.Add(Enumerable.Repeat((byte)2, 100).ToArray());
        await sender.SendBatchToAsync(batch, receiver.LocalEndPoint);
        var buffer = new byte[10];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var a = await receiver.ReceiveFromAsync(buffer, timeout.Token);
        Assert.Equal(10, a.Length);
        Assert.Equal(1, buffer[0]);
        var b = await receiver.ReceiveFromAsync(buffer, timeout.Token);
        Assert.Equal(10, b.Length);
        Assert.Equal(2, buffer[0]);
    }

    [Fact]
    public async Task DisposeEndsAWaitingCoalescedReceive()
    {
        var receiver = UdpIcePacketSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        receiver.TryStartCoalescing();
        var pending = receiver.ReceiveFromAsync(new byte[100]).AsTask();
        await Task.Delay(50);
        await receiver.DisposeAsync();
        var ex = await Record.ExceptionAsync(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(ex is ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException, ex?.ToString());
    }

    [Fact]
    public void ControlMessageAndAddressParsing()
    {
        var control = new byte[24];
        BitConverter.GetBytes(20UL).CopyTo(control, 0);
        BitConverter.GetBytes(17).CopyTo(control, 8);
        BitConverter.GetBytes(104).CopyTo(control, 12);
        BitConverter.GetBytes(1188).CopyTo(control, 16);
        Assert.Equal(1188, LinuxUdpReceive.ReadSegmentSize(control));
        Assert.Equal(0, LinuxUdpReceive.ReadSegmentSize(control.AsSpan(0, 12)));
        Span<byte> a = stackalloc byte[28];
        var endpoint = new IPEndPoint(IPAddress.Parse("198.18.3.4"), 40000);
        var n = LinuxUdpSegmentation.WriteAddress(endpoint, a);
        Assert.Equal(endpoint, LinuxUdpReceive.ReadAddress(a[..n]));
        var v6 = new IPEndPoint(IPAddress.IPv6Loopback, 1);
        n = LinuxUdpSegmentation.WriteAddress(v6, a);
        Assert.Equal(v6, LinuxUdpReceive.ReadAddress(a[..n]));
    }
}

using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Transport;

public class DatagramReceiveQueueTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private sealed class RecordingSink : IDatagramSink
    {
        public List<int> Seen { get; } = [];
        public void OnDatagram(ReadOnlySpan<byte> datagram)
        {
            lock (Seen) Seen.Add(BitConverter.ToInt32(datagram));
        }
    }

    [Fact]
    public async Task QueuesUntilASinkIsSetThenHandsOverInOrder()
    {
        var queue = new DatagramReceiveQueue(16, synchronousContinuations: false);
        for (var i = 0; i < 3; i++) Assert.True(queue.Deliver(BitConverter.GetBytes(i)));
        var buffer = new byte[8];
        Assert.Equal(4, await queue.ReceiveAsync(buffer, CancellationToken.None));
        Assert.Equal(0, BitConverter.ToInt32(buffer));

        var sink = new RecordingSink();
        Assert.True(queue.TrySetSink(sink));
        Assert.False(queue.TrySetSink(new RecordingSink()));
        queue.Deliver(BitConverter.GetBytes(3));
        Assert.Equal([1, 2, 3], sink.Seen);

        queue.RemoveSink(sink);
        queue.Deliver(BitConverter.GetBytes(4));
        Assert.Equal([1, 2, 3], sink.Seen);
        Assert.Equal(4, await queue.ReceiveAsync(buffer, CancellationToken.None));
        Assert.Equal(4, BitConverter.ToInt32(buffer));
    }

    [Fact]
    public async Task FullQueueDropsLikeASocketBuffer()
    {
        var queue = new DatagramReceiveQueue(2, synchronousContinuations: false);
        Assert.True(queue.Deliver([1]));
        Assert.True(queue.Deliver([2]));
        Assert.False(queue.Deliver([3]));
        queue.Complete();
        Assert.False(queue.Deliver([4]));
        var buffer = new byte[4];
        Assert.Equal(1, await queue.ReceiveAsync(buffer, CancellationToken.None));
        Assert.Equal(1, await queue.ReceiveAsync(buffer, CancellationToken.None));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queue.ReceiveAsync(buffer, CancellationToken.None).AsTask());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SwitchWhileDeliveringLosesAndReordersNothing(int round)
    {
        _ = round;
        const int count = 20_000;
        var queue = new DatagramReceiveQueue(count, synchronousContinuations: false);
        var sink = new RecordingSink();
        using var started = new ManualResetEventSlim();
        var producer = Task.Run(() =>
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(queue.Deliver(BitConverter.GetBytes(i)));
                if (i == count / 4) started.Set();
            }
        });
        started.Wait(Generous);
        Assert.True(queue.TrySetSink(sink));
        await producer.Within(Generous);
        Assert.Equal(Enumerable.Range(0, count), sink.Seen);
    }
}

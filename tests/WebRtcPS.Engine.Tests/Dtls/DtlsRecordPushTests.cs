using System.Collections.Concurrent;
using System.Text;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Our DTLS transport pushes decrypted records to a sink (SCTP) on the thread that
/// received them, once its lock is released (DtlsReceivedRecords.Push): records queued before the
/// sink came are handed over first and in order, and the sink learns once when the transport ends.</summary>
public class DtlsRecordPushTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private sealed class RecordingSink : IDatagramSink
    {
        public BlockingCollection<(string Text, int Thread)> Records { get; } = [];
        public int Ended;

        public void OnDatagram(ReadOnlySpan<byte> datagram) => Records.Add((Encoding.ASCII.GetString(datagram), Environment.CurrentManagedThreadId));

        public void OnSourceEnded() => Interlocked.Increment(ref Ended);

        public string Next() => Records.TryTake(out var r, Generous) ? r.Text : throw new TimeoutException("no record pushed");
    }

    private static async Task<(DtlsConnectionTransport Client, DtlsConnectionTransport Server)> ConnectAsync(IDatagramTransport a, IDatagramTransport b)
    {
        var accepting = DtlsTransports.StartWhenReadyAsync(b, DtlsTestPeers.Parameters(DtlsRole.Server) with { Implementation = DtlsImplementation.Native }, null, default);
        var connecting = DtlsTransports.StartWhenReadyAsync(a, DtlsTestPeers.Parameters(DtlsRole.Client) with { Implementation = DtlsImplementation.Native }, null, default);
        return ((DtlsConnectionTransport)await connecting.Within(Generous), (DtlsConnectionTransport)await accepting.Within(Generous));
    }

    [Fact]
    public async Task RecordsQueuedBeforeTheSink_ArePushedFirst_ThenEachAsItComes()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await ConnectAsync(link.A, link.B);
        await using (client)
        await using (server)
        {
            for (var i = 0; i < 3; i++) await client.SendAsync(Encoding.ASCII.GetBytes($"queued {i}"));
            while (server.DatagramsReceived < client.DatagramsSent) await Task.Delay(5);   // all three decrypted and queued

            var sink = new RecordingSink();
            Assert.True(((IDatagramPushSource)server).TrySetSink(sink));
            Assert.Equal(["queued 0", "queued 1", "queued 2"], new[] { sink.Next(), sink.Next(), sink.Next() });
            Assert.False(((IDatagramPushSource)server).TrySetSink(new RecordingSink()));   // one sink

            await client.SendAsync("pushed"u8.ToArray());
            Assert.Equal("pushed", sink.Next());
            // A receiver is not also fed: ReceiveAsync waits while the sink takes everything.
            var receive = server.ReceiveAsync(new byte[100]).AsTask();
            await client.SendAsync("also pushed"u8.ToArray());
            Assert.Equal("also pushed", sink.Next());
            Assert.False(receive.IsCompleted);
            Assert.Equal(0, sink.Ended);

            // The peer's close_notify ends the source: the sink hears it once.
            await client.CloseAsync();
            var deadline = DateTime.UtcNow + Generous;
            while (Volatile.Read(ref sink.Ended) == 0 && DateTime.UtcNow < deadline) await Task.Delay(5);
            await server.CloseAsync();
            Assert.Equal(1, sink.Ended);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => receive.Within(Generous));
        }
    }

    [Fact]
    public async Task ARecordIsPushedOnTheThreadThatReceivedIt()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await ConnectAsync(new PushingTransport(link.A), new PushingTransport(link.B));
        await using (client)
        await using (server)
        {
            var sink = new RecordingSink();
            Assert.True(((IDatagramPushSource)server).TrySetSink(sink));
            for (var i = 0; i < 20; i++) await client.SendAsync(Encoding.ASCII.GetBytes($"r {i}"));
            var threads = new HashSet<int>();
            for (var i = 0; i < 20; i++)
            {
                Assert.True(sink.Records.TryTake(out var r, Generous));
                Assert.Equal($"r {i}", r.Text);
                threads.Add(r.Thread);
            }
            // PushingTransport's one pump thread (ICE's socket thread in the peer connection)
            // decrypts and pushes: no hand-off to another thread in between.
            Assert.Single(threads);
        }
    }

    [Fact]
    public async Task ASinkAttachedAfterTheEnd_HearsOfItAtOnce()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await ConnectAsync(link.A, link.B);
        await using (client)
        await using (server)
        {
            await server.CloseAsync();
            var sink = new RecordingSink();
            Assert.True(((IDatagramPushSource)server).TrySetSink(sink));
            Assert.Equal(1, sink.Ended);
        }
    }
}

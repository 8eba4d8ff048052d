using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Application data after the handshake is opened where it arrives (DtlsRecordReader),
/// not by BouncyCastle: replays are discarded and other records still reach BouncyCastle.</summary>
public class DtlsInlineReceiveTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    /// <summary>Keeps a copy of every datagram sent.</summary>
    private sealed class RecordingTransport(IDatagramTransport inner) : IDatagramTransport
    {
        public List<byte[]> Sent { get; } = [];

        public int MaxDatagramSize => inner.MaxDatagramSize;

        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
        {
            lock (Sent) Sent.Add(datagram.ToArray());
            return inner.SendAsync(datagram, cancellationToken);
        }

        public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReceiveAsync(buffer, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    [Fact]
    public async Task ReplayedApplicationDataIsDeliveredOnce()
    {
        var link = new InMemoryDatagramLink();
        var clientSide = new RecordingTransport(link.A);
        var (client, server) = await DtlsTestPeers.ConnectAsync(clientSide, link.B).Within(Generous);
        await using (client)
        await using (server)
        {
            Assert.True(server.ReceivesInline);
            Assert.True(client.ReceivesInline);
            await client.SendAsync("first"u8.ToArray());
            var buffer = new byte[64];
            Assert.Equal(5, await server.ReceiveAsync(buffer).AsTask().Within(Generous));
            byte[] record;
            lock (clientSide.Sent) record = clientSide.Sent[^1];
            Assert.Equal(23, record[0]);   // application_data

            await link.A.SendAsync(record);   // the same record again: a replay
            await link.A.SendAsync(record);
            await client.SendAsync("second!"u8.ToArray());
            Assert.Equal(7, await server.ReceiveAsync(buffer).AsTask().Within(Generous));
            Assert.Equal("second!"u8.ToArray(), buffer[..7]);
        }
    }

    [Fact]
    public async Task CloseNotifyStillReachesBouncyCastle()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, link.B).Within(Generous);
        await using (server)
        {
            var closed = new TaskCompletionSource<RTCDtlsTransportState>(TaskCreationOptions.RunContinuationsAsynchronously);
            server.StateChanged += (_, s) => closed.TrySetResult(s);
            await client.SendAsync("bye"u8.ToArray());
            await client.DisposeAsync();   // close_notify
            var buffer = new byte[16];
            Assert.Equal(3, await server.ReceiveAsync(buffer).AsTask().Within(Generous));
            Assert.Equal(RTCDtlsTransportState.Closed, await closed.Task.Within(Generous));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => server.ReceiveAsync(buffer).AsTask().Within(Generous));
        }
    }
}

using System.Reflection;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Transport;
using AlertDescription = Org.BouncyCastle.Tls.AlertDescription;
using BcDtlsTransport = Org.BouncyCastle.Tls.DtlsTransport;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Inline receive (DtlsTransport.Inline.cs): over a lower transport that pushes
/// datagrams, records are decrypted on the pushing thread once the handshake is done. Each case
/// also holds with the blocking loop where it applies (InlineReceive = false).</summary>
public class DtlsInlineReceiveTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private static DtlsParameters Parameters(DtlsRole role, bool inline = true, int capacity = 4096) =>
        DtlsTestPeers.Parameters(role) with { InlineReceive = inline, ReceivedCapacity = capacity };

    private static async Task<(DtlsTransport Client, DtlsTransport Server)> ConnectAsync(
        IDatagramTransport a, IDatagramTransport b, bool inline = true, int serverCapacity = 4096)
    {
        var server = DtlsTransport.StartAsync(b, Parameters(DtlsRole.Server, inline, serverCapacity));
        var client = DtlsTransport.StartAsync(a, Parameters(DtlsRole.Client, inline));
        return (await client.Within(Generous), await server.Within(Generous));
    }

    private static byte[] Numbered(int i, int size = 100)
    {
        var record = new byte[size];
        BitConverter.TryWriteBytes(record, i);
        return record;
    }

    private static async Task<int> ReceiveNumber(DtlsTransport t)
    {
        var buffer = new byte[2048];
        var n = await t.ReceiveAsync(buffer).AsTask().Within(Generous);
        Assert.True(n >= 4);
        return BitConverter.ToInt32(buffer);
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(5);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RecordsArriveInOrderBothWays(bool inline)
    {
        const int count = 1000;
        var link = new InMemoryDatagramLink();
        var (client, server) = await ConnectAsync(new PushingTransport(link.A), new PushingTransport(link.B), inline);
        await using (client)
        await using (server)
        {
            Assert.Equal(inline, client.IsInline);
            Assert.Equal(inline, server.IsInline);
            static async Task SendAll(DtlsTransport t)
            {
                for (var i = 0; i < count; i++) await t.SendAsync(Numbered(i, 1000));
            }
            static async Task ReceiveAll(DtlsTransport t)
            {
                for (var i = 0; i < count; i++) Assert.Equal(i, await ReceiveNumber(t));
            }
            await Task.WhenAll(Task.Run(() => SendAll(client)), Task.Run(() => SendAll(server)),
                Task.Run(() => ReceiveAll(client)), Task.Run(() => ReceiveAll(server))).Within(Generous);
            Assert.Equal(0, server.RecordsDropped);
        }
    }

    [Fact]
    public async Task DatagramsQueuedBeforeTheSwitchAreHandedOverInOrder()
    {
        var link = new InMemoryDatagramLink();
        var serverSide = new PushingTransport(link.B, holdSink: true);
        var (client, server) = await ConnectAsync(link.A, serverSide);
        await using (client)
        await using (server)
        {
            // The server's DTLS thread waits in the attach: these queue in the lower transport.
            await serverSide.SinkRequested.Task.Within(Generous);
            var before = serverSide.Delivered;
            for (var i = 0; i < 100; i++) await client.SendAsync(Numbered(i));
            await Eventually(() => serverSide.Delivered == before + 100, "100 queued datagrams");
            Assert.False(server.IsInline);

            serverSide.SinkAllowed.SetResult();
            for (var i = 100; i < 200; i++) await client.SendAsync(Numbered(i));
            for (var i = 0; i < 200; i++) Assert.Equal(i, await ReceiveNumber(server));
            Assert.True(server.IsInline);
        }
    }

    [Fact]
    public async Task ReceiveLossLosesOnlyThatRecord()
    {
        // Handshake: the server receives 2 datagrams (ClientHello, flight 5); then record i is receive i + 3.
        var link = new InMemoryDatagramLink();
        var (client, server) = await ConnectAsync(link.A, new PushingTransport(link.B, dropReceives: [3 + 5, 3 + 6, 3 + 40]));
        await using (client)
        await using (server)
        {
            for (var i = 0; i < 50; i++) await client.SendAsync(Numbered(i));
            for (var i = 0; i < 50; i++)
            {
                if (i is 5 or 6 or 40) continue;
                Assert.Equal(i, await ReceiveNumber(server));
            }
            Assert.Equal(RTCDtlsTransportState.Connected, server.State);
        }
    }

    [Fact]
    public async Task CloseNotifyPushedInlineClosesTheTransport()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await ConnectAsync(link.A, new PushingTransport(link.B));
        var serverClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.StateChanged += (_, s) => { if (s == RTCDtlsTransportState.Closed) serverClosed.TrySetResult(); };
        Assert.True(server.IsInline);

        await client.SendAsync("last"u8.ToArray());
        await client.DisposeAsync();
        await serverClosed.Task.Within(Generous);
        var buffer = new byte[16];
        Assert.Equal(4, await server.ReceiveAsync(buffer).AsTask().Within(Generous)); // queued data still delivered
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.ReceiveAsync(buffer).AsTask().Within(Generous));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.SendAsync(new byte[1]).AsTask());
        await server.DisposeAsync();
    }

    [Fact]
    public async Task FatalAlertPushedInlineFailsTheTransport()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await ConnectAsync(link.A, new PushingTransport(link.B));
        await using (client)
        await using (server)
        {
            var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            server.StateChanged += (_, s) => { if (s == RTCDtlsTransportState.Failed) failed.TrySetResult(); };
            Assert.True(server.IsInline);

            SendFatalAlert(client, AlertDescription.unexpected_message);
            await failed.Task.Within(Generous);
            Assert.Equal(DtlsError.AlertReceived, server.Error!.Error);
            Assert.Equal(TlsAlertDescription.UnexpectedMessage, server.Error.Alert);
            var error = await Assert.ThrowsAsync<DtlsException>(() => server.ReceiveAsync(new byte[16]).AsTask().Within(Generous));
            Assert.Equal(DtlsError.AlertReceived, error.Error);
        }
    }

    // BouncyCastle sends a fatal alert only on a protocol error it detects; its record layer's
    // internal Fail is the direct way to make a connected peer send one.
    private static void SendFatalAlert(DtlsTransport from, short alert)
    {
        var bc = (BcDtlsTransport)typeof(DtlsTransport).GetField("_bc", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(from)!;
        var recordLayer = typeof(BcDtlsTransport).GetField("m_recordLayer", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(bc)!;
        recordLayer.GetType().GetMethod("Fail", BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(recordLayer, [alert]);
    }

    [Fact]
    public async Task LostFinalServerFlightIsResentInline()
    {
        // Flight 6 is lost after the server switched to inline receive: only a receive that runs
        // BouncyCastle's record layer can answer the client's retransmitted flight 5.
        var link = new InMemoryDatagramLink();
        var serverSide = new PushingTransport(new DroppingTransport(link.B, 2));
        var (client, server) = await ConnectAsync(link.A, serverSide);
        await using (client)
        await using (server)
        {
            Assert.True(server.IsInline);
            Assert.True(client.DatagramsSent >= 3, $"client sent {client.DatagramsSent}: flight 5 was not retransmitted");
            await client.SendAsync(Numbered(1));
            Assert.Equal(1, await ReceiveNumber(server));
            await server.SendAsync(Numbered(2));
            Assert.Equal(2, await ReceiveNumber(client));
        }
    }

    [Fact]
    public async Task FullReceiveQueueDropsAndCountsInsteadOfBlocking()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await ConnectAsync(link.A, new PushingTransport(link.B), serverCapacity: 8);
        await using (client)
        await using (server)
        {
            Assert.True(server.IsInline);
            for (var i = 0; i < 20; i++) await client.SendAsync(Numbered(i));
            await Eventually(() => server.RecordsDropped == 12, "12 dropped records");
            for (var i = 0; i < 8; i++) Assert.Equal(i, await ReceiveNumber(server));
            await client.SendAsync(Numbered(99));   // the pushing thread was not blocked
            Assert.Equal(99, await ReceiveNumber(server));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NonDtlsDatagramsAreIgnoredAndCounted(bool inline)
    {
        var link = new InMemoryDatagramLink();
        var serverSide = new PushingTransport(link.B);
        var (client, server) = await ConnectAsync(link.A, serverSide, inline);
        await using (client)
        await using (server)
        {
            var ignored = server.DatagramsIgnored;
            var received = server.DatagramsReceived;
            serverSide.Inject([0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xaa, 0xbb]);   // RTP (RFC 7983: 128..191)
            serverSide.Inject([22, 0xfe, 0xfd]);                                          // shorter than a record header
            serverSide.Inject([]);
            await client.SendAsync(Numbered(7));
            Assert.Equal(7, await ReceiveNumber(server));
            Assert.Equal(ignored + 3, server.DatagramsIgnored);
            Assert.Equal(received + 1, server.DatagramsReceived);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task GarbageRecordsPushedInlineAreIgnored(int seed)
    {
        // Well-formed headers with random bodies reach BouncyCastle and fail its MAC or epoch checks:
        // each ends an inline receive through the adapter's "nothing more" path.
        var link = new InMemoryDatagramLink();
        var (client, server) = await ConnectAsync(link.A, new PushingTransport(link.B));
        await using (client)
        await using (server)
        {
            var random = new Random(seed);
            for (var i = 0; i < 300; i++)
            {
                var body = new byte[random.Next(24, 300)];
                random.NextBytes(body);
                var record = new byte[13 + body.Length];
                record[0] = (byte)random.Next(20, 26);
                record[1] = 0xfe;
                record[2] = 0xfd;
                record[4] = (byte)random.Next(0, 3);
                record[10] = (byte)random.Next(0, 255);
                record[11] = (byte)(body.Length >> 8);
                record[12] = (byte)body.Length;
                body.CopyTo(record, 13);
                await link.A.SendAsync(record);
            }
            await client.SendAsync(Numbered(3));
            Assert.Equal(3, await ReceiveNumber(server));
            Assert.Equal(RTCDtlsTransportState.Connected, server.State);
        }
    }
}

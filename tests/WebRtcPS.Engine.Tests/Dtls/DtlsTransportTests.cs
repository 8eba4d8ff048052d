using System.Text;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

public class DtlsTransportTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task HandshakeCompletesForBothRoles()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, link.B).Within(Generous);
        await using (client)
        await using (server)
        {
            Assert.Equal(DtlsRole.Client, client.Role);
            Assert.Equal(DtlsRole.Server, server.Role);
            Assert.Equal(RTCDtlsTransportState.Connected, client.State);
            Assert.Equal(RTCDtlsTransportState.Connected, server.State);
            Assert.Equal(DtlsTestPeers.ServerCertificate.GetFingerprints()[0], client.RemoteFingerprint);
            Assert.Equal(DtlsTestPeers.ClientCertificate.GetFingerprints()[0], server.RemoteFingerprint);
            Assert.Equal("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", client.CipherSuite);
            Assert.Equal(client.CipherSuite, server.CipherSuite);
            Assert.Equal(1200 - 37, client.MaxDatagramSize);
        }
    }

    [Fact]
    public async Task ServerFlightIsBatchedIntoOneDatagram()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, link.B).Within(Generous);
        await using (client)
        await using (server)
        {
            // Client: ClientHello, flight 5 (Certificate..Finished). Server: flight 4 (ServerHello..Done), flight 6.
            Assert.Equal(2, client.DatagramsSent);
            Assert.Equal(2, server.DatagramsSent);
        }
    }

    [Fact]
    public async Task AppDataFlowsBothWays()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, link.B).Within(Generous);
        await using (client)
        await using (server)
        {
            await client.SendAsync("ping"u8.ToArray());
            await server.SendAsync("pong"u8.ToArray());
            var buffer = new byte[2048];
            var n = await server.ReceiveAsync(buffer).AsTask().Within(Generous);
            Assert.Equal("ping", Encoding.ASCII.GetString(buffer, 0, n));
            n = await client.ReceiveAsync(buffer).AsTask().Within(Generous);
            Assert.Equal("pong", Encoding.ASCII.GetString(buffer, 0, n));

            var full = new byte[client.MaxDatagramSize];
            Random.Shared.NextBytes(full);
            await client.SendAsync(full);
            n = await server.ReceiveAsync(buffer).AsTask().Within(Generous);
            Assert.Equal(full, buffer[..n]);

            await client.SendAsync(ReadOnlyMemory<byte>.Empty);
            Assert.Equal(0, await server.ReceiveAsync(buffer).AsTask().Within(Generous));
        }
    }

    [Theory]
    [InlineData(0.10, 1)]
    [InlineData(0.10, 2)]
    [InlineData(0.30, 3)]
    [InlineData(0.30, 4)]
    public async Task HandshakeSurvivesLossAndReordering(double loss, int seed)
    {
        var impairment = new LinkImpairment { LossRate = loss, ReorderRate = 0.2, DuplicateRate = 0.05 };
        var link = new InMemoryDatagramLink(seed, impairment, impairment);
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, link.B, Generous).Within(Generous * 2);
        await using (client)
        await using (server)
        {
            Assert.Equal(RTCDtlsTransportState.Connected, client.State);
            Assert.Equal(RTCDtlsTransportState.Connected, server.State);
            // Records get through a lossy link too (DTLS itself does not retransmit them).
            var buffer = new byte[64];
            var received = Task.Run(async () => await server.ReceiveAsync(buffer));
            while (!received.IsCompleted)
            {
                await client.SendAsync("x"u8.ToArray());
                await Task.WhenAny(received, Task.Delay(20));
            }
            Assert.Equal(1, await received);
        }
    }

    [Fact]
    public async Task ClientRefusesServerWithWrongFingerprint()
    {
        var link = new InMemoryDatagramLink();
        var server = DtlsTransport.StartAsync(link.B, DtlsTestPeers.Parameters(DtlsRole.Server));
        var client = DtlsTransport.StartAsync(link.A,
            DtlsTestPeers.Parameters(DtlsRole.Client, expectedPeer: DtlsTestPeers.Stranger));

        var clientError = await Assert.ThrowsAsync<DtlsException>(() => client.Within(Generous));
        Assert.Equal(DtlsError.FingerprintMismatch, clientError.Error);
        Assert.Equal(DtlsTestPeers.Stranger.GetFingerprints(), clientError.ExpectedFingerprints);
        Assert.Equal(DtlsTestPeers.ServerCertificate.GetFingerprints(), clientError.ActualFingerprints);
        Assert.Contains(DtlsTestPeers.Stranger.GetFingerprints()[0].Value, clientError.Message);
        Assert.Contains(DtlsTestPeers.ServerCertificate.GetFingerprints()[0].Value, clientError.Message);

        var serverError = await Assert.ThrowsAsync<DtlsException>(() => server.Within(Generous));
        Assert.Equal(DtlsError.AlertReceived, serverError.Error);
        Assert.Equal(TlsAlertDescription.BadCertificate, serverError.Alert);
    }

    [Fact]
    public async Task ServerRefusesClientWithWrongFingerprint()
    {
        var link = new InMemoryDatagramLink();
        var server = DtlsTransport.StartAsync(link.B,
            DtlsTestPeers.Parameters(DtlsRole.Server, expectedPeer: DtlsTestPeers.Stranger));
        var client = DtlsTransport.StartAsync(link.A, DtlsTestPeers.Parameters(DtlsRole.Client));

        var serverError = await Assert.ThrowsAsync<DtlsException>(() => server.Within(Generous));
        Assert.Equal(DtlsError.FingerprintMismatch, serverError.Error);
        Assert.Equal(DtlsTestPeers.ClientCertificate.GetFingerprints(), serverError.ActualFingerprints);
        Assert.Contains("client presented a certificate", serverError.Message);

        var clientError = await Assert.ThrowsAsync<DtlsException>(() => client.Within(Generous));
        Assert.Equal(DtlsError.AlertReceived, clientError.Error);
        Assert.Equal(TlsAlertDescription.BadCertificate, clientError.Alert);
    }

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task SilentPeerTimesOut(DtlsRole role)
    {
        var link = new InMemoryDatagramLink();
        link.B.Blackhole = true;
        var timeout = TimeSpan.FromSeconds(2);
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<DtlsException>(() =>
            DtlsTransport.StartAsync(link.A, DtlsTestPeers.Parameters(role, timeout)).Within(Generous));
        var elapsed = DateTime.UtcNow - started;
        Assert.Equal(DtlsError.HandshakeTimeout, error.Error);
        Assert.Contains("silent", error.Message);
        // Bounded by the configured timeout plus the guard's grace (not a performance assertion).
        Assert.True(elapsed < timeout + TimeSpan.FromSeconds(5), $"took {elapsed}");
    }

    [Fact]
    public async Task CallerCancellationStaysOperationCanceled()
    {
        var link = new InMemoryDatagramLink();
        link.B.Blackhole = true;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            DtlsTransport.StartAsync(link.A, DtlsTestPeers.Parameters(DtlsRole.Client), cts.Token).Within(Generous));
    }

    /// <summary>After the handshake the receive limit is the path's datagram size; a peer that
    /// sends larger records (a larger MTU than ours) must still get through, each one whole.</summary>
    [Fact]
    public async Task RecordsLargerThanThePathMtuAreStillReceivedAfterTheHandshake()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, link.B).Within(Generous);
        await using (client)
        await using (server)
        {
            var buffer = new byte[4096];
            foreach (var size in new[] { 100, 1900, 1500, 2000, 1100 })
            {
                var record = new byte[size];
                Random.Shared.NextBytes(record);
                await client.SendAsync(record);
                var n = await server.ReceiveAsync(buffer).AsTask().Within(Generous);
                Assert.Equal(record, buffer[..n]);
            }
            Assert.Equal(0, server.DatagramsIgnored);
        }
    }

    [Fact]
    public async Task CloseNotifyIsObservedByThePeer()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, link.B).Within(Generous);
        var serverClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.StateChanged += (_, s) => { if (s == RTCDtlsTransportState.Closed) serverClosed.TrySetResult(); };

        await client.SendAsync("last"u8.ToArray());
        await client.DisposeAsync();
        Assert.Equal(RTCDtlsTransportState.Closed, client.State);

        await serverClosed.Task.Within(Generous);
        Assert.Equal(RTCDtlsTransportState.Closed, server.State);
        var buffer = new byte[16];
        Assert.Equal(4, await server.ReceiveAsync(buffer)); // queued data still delivered
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.ReceiveAsync(buffer).AsTask().Within(Generous));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.SendAsync(new byte[1]).AsTask());
        await server.DisposeAsync();
    }

    [Fact]
    public async Task ThousandRecordsEachWayConcurrently()
    {
        const int count = 1000;
        var link = new InMemoryDatagramLink();
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, link.B).Within(Generous);
        await using (client)
        await using (server)
        {
            static async Task SendAll(DtlsTransport t)
            {
                var record = new byte[1000];
                for (var i = 0; i < count; i++)
                {
                    BitConverter.TryWriteBytes(record, i);
                    await t.SendAsync(record);
                }
            }
            static async Task<int> ReceiveAll(DtlsTransport t)
            {
                var buffer = new byte[2048];
                for (var i = 0; i < count; i++)
                {
                    var n = await t.ReceiveAsync(buffer);
                    Assert.Equal(1000, n);
                    Assert.Equal(i, BitConverter.ToInt32(buffer));
                }
                return count;
            }
            var all = Task.WhenAll(
                Task.Run(() => SendAll(client)), Task.Run(() => SendAll(server)),
                Task.Run(() => ReceiveAll(client)), Task.Run(() => ReceiveAll(server)));
            await all.Within(Generous);
        }
    }

    /// <summary>The peer's close_notify makes BouncyCastle reply from the DTLS thread while the
    /// application is sending: the two send paths must not deadlock.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task PeerCloseWhileSendingDoesNotDeadlock(int round)
    {
        _ = round;
        var link = new InMemoryDatagramLink();
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, link.B).Within(Generous);
        await using (server)
        {
            using var stop = new CancellationTokenSource();
            var sender = Task.Run(async () =>
            {
                var record = new byte[100];
                try
                {
                    while (!stop.IsCancellationRequested) await server.SendAsync(record);
                }
                catch (ObjectDisposedException)
                {
                    // closed under us: expected
                }
            });
            await Task.Delay(20);
            await client.DisposeAsync().AsTask().Within(Generous);
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            server.StateChanged += (_, s) => { if (s == RTCDtlsTransportState.Closed) closed.TrySetResult(); };
            if (server.State == RTCDtlsTransportState.Closed) closed.TrySetResult();
            await closed.Task.Within(Generous);
            stop.Cancel();
            await sender.Within(Generous);
        }
    }
}

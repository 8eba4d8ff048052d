using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

public class DtlsLifecycleTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task LowerTransportClosingFailsTheConnection()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, link.B).Within(Generous);
        await using (client)
        await using (server)
        {
            var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            server.StateChanged += (_, s) => { if (s == RTCDtlsTransportState.Failed) failed.TrySetResult(); };
            await link.A.DisposeAsync(); // the client's side of the path goes away

            await failed.Task.Within(Generous);
            Assert.Equal(DtlsError.TransportClosed, server.Error?.Error);
            var error = await Assert.ThrowsAsync<DtlsException>(() => server.ReceiveAsync(new byte[16]).AsTask());
            Assert.Equal(DtlsError.TransportClosed, error.Error);
            await Assert.ThrowsAsync<DtlsException>(() => server.SendAsync(new byte[1]).AsTask());
        }
    }

    [Fact]
    public async Task DisposeIsIdempotentAndEndsReceives()
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, link.B).Within(Generous);
        await using (server)
        {
            var pending = client.ReceiveAsync(new byte[16]).AsTask();
            await client.DisposeAsync();
            await client.DisposeAsync();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => pending.Within(Generous));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SendAsync(new byte[1]).AsTask());
            Assert.Equal(RTCDtlsTransportState.Closed, client.State);
        }
    }

    [Fact]
    public async Task LogsConnectionAndFingerprintMismatchWithFixedEventIds()
    {
        var link = new InMemoryDatagramLink();
        var serverLog = new ListLogger();
        var clientLog = new ListLogger();
        var server = DtlsTransport.StartAsync(link.B, new DtlsParameters
        {
            Role = DtlsRole.Server,
            Certificate = DtlsTestPeers.ServerCertificate,
            RemoteFingerprints = DtlsTestPeers.Stranger.GetFingerprints(),
            Logger = serverLog,
        });
        var client = DtlsTransport.StartAsync(link.A, new DtlsParameters
        {
            Role = DtlsRole.Client,
            Certificate = DtlsTestPeers.ClientCertificate,
            RemoteFingerprints = DtlsTestPeers.ServerCertificate.GetFingerprints(),
            Logger = clientLog,
        });
        await Assert.ThrowsAsync<DtlsException>(() => server.Within(Generous));
        await Assert.ThrowsAsync<DtlsException>(() => client.Within(Generous));

        Assert.Contains(serverLog.Entries, e => e.Id.Id == 3009 && e.Message.Contains(DtlsTestPeers.Stranger.GetFingerprints()[0].Value));
        Assert.Contains(serverLog.Entries, e => e.Id.Id == 3002 && e.Message.Contains("FingerprintMismatch"));
        Assert.Contains(clientLog.Entries, e => e.Id.Id == 3004 && e.Message.Contains("BadCertificate"));
    }
}

using Microsoft.Extensions.Logging;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>A StateChanged handler that throws is logged (warning, event id 3010); the other
/// handlers still get the event, and the transport carries on.</summary>
public class DtlsHandlerPolicyTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ThrowingStateHandlerIsLoggedAndTheOthersStillGetTheEvent()
    {
        var link = new InMemoryDatagramLink();
        var log = new ListLogger();
        var serverTask = DtlsTransport.StartAsync(link.B, new DtlsParameters
        {
            Role = DtlsRole.Server,
            Certificate = DtlsTestPeers.ServerCertificate,
            RemoteFingerprints = DtlsTestPeers.ClientCertificate.GetFingerprints(),
            Logger = log,
        });
        var client = await DtlsTransport.StartAsync(link.A, DtlsTestPeers.Parameters(DtlsRole.Client)).Within(Generous);
        var server = await serverTask.Within(Generous);
        await using (client)
        await using (server)
        {
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            server.StateChanged += (_, _) => throw new InvalidOperationException("bug in the state handler");
            server.StateChanged += (_, s) => { if (s == RTCDtlsTransportState.Closed) closed.TrySetResult(); };

            // Data still flows with the throwing handler attached.
            await client.SendAsync(new byte[] { 1, 2, 3 });
            var buffer = new byte[16];
            Assert.Equal(3, await server.ReceiveAsync(buffer).AsTask().Within(Generous));

            await server.CloseAsync();
            await closed.Task.Within(Generous);
            Assert.Contains(log.Entries, e => e.Id.Id == 3010 && e.Level == LogLevel.Warning && e.Message.Contains("StateChanged", StringComparison.Ordinal));
        }
    }
}

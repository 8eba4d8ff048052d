using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class DtlsUdpTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task HandshakeAndDataOverLoopbackUdp()
    {
        var (a, b) = UdpDatagramTransport.CreatePair();
        await using (a)
        await using (b)
        {
            var (client, server) = await DtlsTestPeers.ConnectAsync(a, b).Within(Generous);
            await using (client)
            await using (server)
            {
                var buffer = new byte[2048];
                var payload = new byte[client.MaxDatagramSize];
                Random.Shared.NextBytes(payload);
                await client.SendAsync(payload);
                Assert.Equal(payload, buffer[..await server.ReceiveAsync(buffer).AsTask().Within(Generous)]);
                await server.SendAsync(payload);
                Assert.Equal(payload, buffer[..await client.ReceiveAsync(buffer).AsTask().Within(Generous)]);

                var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                client.StateChanged += (_, s) => { if (s == RTCDtlsTransportState.Closed) closed.TrySetResult(); };
                await server.DisposeAsync();
                await closed.Task.Within(Generous);
            }
        }
    }
}

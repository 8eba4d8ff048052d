using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Losing one whole flight, deterministically. A clean handshake is two datagrams each way
/// (flight batching): client ClientHello, flight 5; server flight 4, flight 6.</summary>
public class DtlsRetransmissionTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private static async Task AssertDataFlows(DtlsTransport from, DtlsTransport to)
    {
        await from.SendAsync("ok"u8.ToArray());
        var buffer = new byte[16];
        Assert.Equal(2, await to.ReceiveAsync(buffer).AsTask().Within(Generous));
    }

    [Fact]
    public async Task LostFinalServerFlightIsResentFromTheReceiveLoop()
    {
        // The server has finished its handshake when flight 6 is lost; only its receive loop,
        // running right after the handshake, can answer the client's retransmitted flight 5.
        var link = new InMemoryDatagramLink();
        var serverSide = new DroppingTransport(link.B, 2);
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, serverSide).Within(Generous);
        await using (client)
        await using (server)
        {
            Assert.Equal(1, serverSide.Dropped);
            Assert.True(client.DatagramsSent >= 3, $"client sent {client.DatagramsSent}: flight 5 was not retransmitted");
            await AssertDataFlows(client, server);
            await AssertDataFlows(server, client);
        }
    }

    [Fact]
    public async Task LostFirstServerFlightIsRetransmitted()
    {
        var link = new InMemoryDatagramLink();
        var serverSide = new DroppingTransport(link.B, 1);
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, serverSide).Within(Generous);
        await using (client)
        await using (server)
        {
            Assert.Equal(1, serverSide.Dropped);
            await AssertDataFlows(client, server);
        }
    }

    [Fact]
    public async Task LostClientFlightsAreRetransmitted()
    {
        var link = new InMemoryDatagramLink();
        var clientSide = new DroppingTransport(link.A, 1, 3);
        var (client, server) = await DtlsTestPeers.ConnectAsync(clientSide, link.B).Within(Generous);
        await using (client)
        await using (server)
        {
            Assert.Equal(2, clientSide.Dropped);
            await AssertDataFlows(server, client);
        }
    }
}

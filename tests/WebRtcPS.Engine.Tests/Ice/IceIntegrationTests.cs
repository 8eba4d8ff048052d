using System.Net;
using System.Runtime.CompilerServices;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Tests.Dtls;

namespace WebRtcPS.Engine.Tests.Ice;

public sealed class IceIntegrationTests
{
    [Fact]
    public async Task Dtls_OverIceTransport_OnLoopback()
    {
        await using var a = new IceTestPeer("a", IceTestPeer.LoopbackOptions(RTCIceRole.Controlling));
        await using var b = new IceTestPeer("b", IceTestPeer.LoopbackOptions(RTCIceRole.Controlled));
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();

        var (client, server) = await DtlsTestPeers.ConnectAsync(a.Agent.Transport, b.Agent.Transport).Within(TimeSpan.FromSeconds(30));
        await using (client)
        await using (server)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await client.SendAsync("hello over ICE"u8.ToArray(), cts.Token);
            var buffer = new byte[100];
            int n = await server.ReceiveAsync(buffer, cts.Token);
            Assert.Equal("hello over ICE", System.Text.Encoding.UTF8.GetString(buffer, 0, n));
        }
        var stats = (await a.Agent.GetStatsAsync()).Single(p => p.Selected);
        Assert.True(stats.PacketsSent > 0 && stats.PacketsReceived > 0);
    }

    [Fact]
    public async Task RelayedCandidate_FromTheRelaySource_CarriesTheConnection()
    {
        var net = new VirtualIceNetwork();
        var hostA = IPAddress.Parse("198.18.0.1");
        var relayAddress = IPAddress.Parse("198.18.9.9");
        // a's host address is dark: only its relayed candidate (a socket on the relay's address,
        // standing in for a TURN allocation) can reach b.
        net.Blackhole(hostA);
        var relay = new FakeRelaySource(net.CreateHost(relayAddress), relayAddress);
        // CheckRto leaves a loaded machine time to answer a check (250 + 500 + 1,000 ms for 3 requests).
        var options = new IceAgentOptions { Ta = TimeSpan.FromMilliseconds(5), CheckRto = TimeSpan.FromMilliseconds(250), MaxCheckRequests = 3 };
        await using var a = new IceTestPeer("a", options with { RelaySource = relay }, net.CreateHost(hostA));
        await using var b = new IceTestPeer("b", options with { Role = RTCIceRole.Controlled }, net.CreateHost(IPAddress.Parse("198.18.0.2")));
        await IceTestPeer.ConnectAsync(a, b);

        await a.WaitConnectedAsync();
        var relayed = Assert.Single(a.EventsOf<IceCandidateGatheredEvent>(), e => e.Candidate.Type == RTCIceCandidateType.Relay).Candidate;
        Assert.Equal(CandidatePriority.RelayTypePreference, relayed.PriorityParts.TypePreference);
        Assert.Equal("198.18.0.1", relayed.RelatedAddress);
        Assert.Equal(RTCIceCandidateType.Relay, a.Agent.GetSelectedCandidatePair()!.Local.Type);
    }

    private sealed class FakeRelaySource(IIceNetwork relayHost, IPAddress relayAddress) : IRelayCandidateSource
    {
        public async IAsyncEnumerable<RelayAllocation> AllocateAsync(IIceNetwork network, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            var socket = relayHost.BindUdp(new IPEndPoint(relayAddress, 0));
            var mapped = new IPEndPoint(network.GetLocalAddresses()[0].Address, 50000);
            yield return new RelayAllocation(socket, socket.LocalEndPoint, mapped, IPAddress.Parse("198.18.9.1"));
            yield return new RelayAllocation(null, null, null, null, Error: "401 Unauthorized from the second server");
        }
    }
}

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

    [Fact]
    public async Task RelayedCandidate_Lost_IsAllocatedAgain_AndTheConnectionMovesToTheNewOne()
    {
        var (net, hostA, relay, options) = LosableRelayLab();
        await using var a = new IceTestPeer("a", options with { RelaySource = relay }, net.CreateHost(hostA));
        await using var b = new IceTestPeer("b", options with { Role = RTCIceRole.Controlled }, net.CreateHost(IPAddress.Parse("198.18.0.2")));
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        var first = a.Agent.GetSelectedCandidatePair()!.Local;
        Assert.Equal(RTCIceCandidateType.Relay, first.Type);

        // The allocation ends on its own (the TURN server forgot it): reported, allocated again,
        // trickled to b, checked, and nominated in place of the dead pair.
        await relay.LoseAsync();
        var moved = await a.WaitForEventAsync<IceSelectedCandidatePairChangedEvent>(e => e.Pair is { } p && p.Local.Type == RTCIceCandidateType.Relay && p.Local.Port != first.Port);
        int port = moved.Pair!.Local.Port;
        await b.WaitForEventAsync<IceSelectedCandidatePairChangedEvent>(e => e.Pair is { } p && p.Remote.Port == port);
        Assert.Contains(a.EventsOf<IceCandidateErrorEvent>(), e => e.ErrorText.Contains($"{first.Port} is gone", StringComparison.Ordinal));
        Assert.Contains(a.EventsOf<IceCandidateGatheredEvent>(), e => e.Candidate.Port == port);
        Assert.DoesNotContain(a.Agent.LocalCandidates, c => c.Port == first.Port && c.Type == RTCIceCandidateType.Relay);
        Assert.Equal(2, relay.Allocations);
        Assert.True(a.Agent.State is RTCIceTransportState.Connected or RTCIceTransportState.Completed, a.Agent.State.ToString());
    }

    [Fact]
    public async Task RelayedCandidate_ReallocatedAfterGatheringCompleted_ReopensGathering()
    {
        var (net, hostA, relay, options) = LosableRelayLab();
        await using var a = new IceTestPeer("a", options with { RelaySource = relay }, net.CreateHost(hostA));
        await using var b = new IceTestPeer("b", options with { Role = RTCIceRole.Controlled }, net.CreateHost(IPAddress.Parse("198.18.0.2")));
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await a.WaitForEventAsync<IceEndOfCandidatesEvent>();
        var first = a.Agent.GetSelectedCandidatePair()!.Local;

        await relay.LoseAsync();
        var gathered = await a.WaitForEventAsync<IceCandidateGatheredEvent>(e => e.Candidate.Type == RTCIceCandidateType.Relay && e.Candidate.Port != first.Port);
        await a.WaitForEventAsync<IceEndOfCandidatesEvent>(_ => a.EventsOf<IceEndOfCandidatesEvent>().Count >= 2);

        // webrtc-pc §5.6: complete means the end-of-candidates was sent; a candidate after it is a
        // new round of gathering: gathering, the candidate, complete, end-of-candidates.
        var events = a.EventsOf<IceEvent>();
        var after = events.Skip(events.IndexOf(a.EventsOf<IceEndOfCandidatesEvent>()[0]) + 1)
            .Where(e => e is IceGatheringStateChangedEvent or IceEndOfCandidatesEvent || (e is IceCandidateGatheredEvent g && ReferenceEquals(g, gathered)))
            .Select(e => e switch
            {
                IceGatheringStateChangedEvent s => s.State.ToString(),
                IceEndOfCandidatesEvent => "end-of-candidates",
                _ => "candidate",
            })
            .ToList();
        Assert.Equal(["Gathering", "candidate", "Complete", "end-of-candidates"], after);
        Assert.Equal(RTCIceGatheringState.Complete, a.Agent.GatheringState);
    }

    /// <summary>a's host address blackholed, so only its relayed candidate (on a
    /// <see cref="LosableRelaySource"/>) can connect; fast checks and re-allocation.</summary>
    private static (VirtualIceNetwork Net, IPAddress HostA, LosableRelaySource Relay, IceAgentOptions Options) LosableRelayLab()
    {
        var net = new VirtualIceNetwork();
        var hostA = IPAddress.Parse("198.18.0.1");
        var relayAddress = IPAddress.Parse("198.18.9.9");
        net.Blackhole(hostA);
        var relay = new LosableRelaySource(net.CreateHost(relayAddress), relayAddress);
        var options = new IceAgentOptions
        {
            Ta = TimeSpan.FromMilliseconds(5),
            CheckRto = TimeSpan.FromMilliseconds(250),
            MaxCheckRequests = 3,
            RelayReallocationBackoff = TimeSpan.FromMilliseconds(10),
        };
        return (net, hostA, relay, options);
    }

    /// <summary>One allocation at a time, on the relay's address; <see cref="LoseAsync"/> ends the
    /// current one as a server that forgot it would, and re-allocation gives a new port.</summary>
    private sealed class LosableRelaySource(IIceNetwork relayHost, IPAddress relayAddress) : IRelayCandidateSource
    {
        private IIcePacketSocket? _current;
        public int Allocations;

        private RelayAllocation Allocate(IIceNetwork? network)
        {
            var socket = relayHost.BindUdp(new IPEndPoint(relayAddress, 0));
            _current = socket;
            Interlocked.Increment(ref Allocations);
            return new RelayAllocation(socket, socket.LocalEndPoint, new IPEndPoint(IPAddress.Parse("198.18.0.1"), 50000), IPAddress.Parse("198.18.9.1"), Url: "turn:198.18.9.1");
        }

        public async IAsyncEnumerable<RelayAllocation> AllocateAsync(IIceNetwork network, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            yield return Allocate(network);
        }

        public Task<RelayAllocation?> ReallocateAsync(RelayAllocation lost, CancellationToken cancellationToken) => Task.FromResult<RelayAllocation?>(Allocate(null));

        public ValueTask LoseAsync() => _current!.DisposeAsync();
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

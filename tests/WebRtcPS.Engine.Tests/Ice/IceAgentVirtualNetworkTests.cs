using System.Net;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Stun;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>Two agents on a <see cref="VirtualIceNetwork"/>: made-up addresses (198.18.0.0/15),
/// seeded loss and blackholes; nothing reaches the operating system.</summary>
public sealed class IceAgentVirtualNetworkTests(ITestOutputHelper output)
{
    private static readonly IPAddress A1 = IPAddress.Parse("198.18.0.1"), A2 = IPAddress.Parse("198.18.1.1"), B1 = IPAddress.Parse("198.18.0.2");

    private static IceAgentOptions Options(RTCIceRole role) => new()
    {
        Role = role,
        Ta = TimeSpan.FromMilliseconds(5),
        CheckRto = TimeSpan.FromMilliseconds(50),
        MaxCheckRto = TimeSpan.FromMilliseconds(400),
        NominationTimeout = TimeSpan.FromMilliseconds(100),
    };

    private async Task DumpAsync(params IceTestPeer[] peers)
    {
        foreach (var peer in peers)
        {
            output.WriteLine(peer.Name + ": " + (await peer.Agent.GetDiagnosticsAsync()));
        }
    }

    [Theory]
    [InlineData(1, 0.3)]
    [InlineData(2, 0.3)]
    [InlineData(3, 0.5)]
    public async Task WithLoss_StillConnects(int seed, double loss)
    {
        var net = new VirtualIceNetwork(seed) { LossRate = loss };
        await using var a = new IceTestPeer("a", Options(RTCIceRole.Controlling), net.CreateHost(A1));
        await using var b = new IceTestPeer("b", Options(RTCIceRole.Controlled), net.CreateHost(B1));
        await IceTestPeer.ConnectAsync(a, b);

        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        await DumpAsync(a, b);
        Assert.True(net.Dropped > 0 || net.Delivered > 0);
        Assert.Equal(a.Agent.GetSelectedCandidatePair()!.Local.Port, b.Agent.GetSelectedCandidatePair()!.Remote.Port);
    }

    [Fact]
    public async Task TheNominatingCheckLeavesBeforeWhatTheNewRouteReleases()
    {
        // The controlling agent's first valid pair releases the DTLS flight held for it; its
        // nominating check must leave first, or the peer answers it only after that flight's crypto.
        var net = new VirtualIceNetwork();
        var sentByA = new List<byte[]>();
        net.Filter = (from, _, datagram) =>
        {
            if (from.Address.Equals(A1)) lock (sentByA) sentByA.Add(datagram.ToArray());
            return true;
        };
        await using var a = new IceTestPeer("a", Options(RTCIceRole.Controlling) with { NominateWithoutPacing = true }, net.CreateHost(A1));
        await using var b = new IceTestPeer("b", Options(RTCIceRole.Controlled), net.CreateHost(B1));
        var marker = new byte[] { 23, 254, 253, 0, 1 };   // any non-STUN first byte (RFC 7983: DTLS)
        var released = a.Agent.WaitForDataRouteAsync(CancellationToken.None).ContinueWith(
            _ => a.Agent.Transport.SendAsync(marker).AsTask(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await (await released);

        List<byte[]> order;
        lock (sentByA) order = [.. sentByA];
        var markerAt = order.FindIndex(d => d.AsSpan().SequenceEqual(marker));
        var nominationAt = order.FindIndex(d => StunMessage.TryParse(d, out var m) && m.Contains(StunAttributeType.UseCandidate));
        Assert.True(markerAt >= 0 && nominationAt >= 0, $"marker {markerAt}, nomination {nominationAt} in {order.Count} datagrams");
        Assert.True(nominationAt < markerAt, $"the nominating check (#{nominationAt}) left after the released datagram (#{markerAt})");
    }

    [Fact]
    public async Task DeadRemoteCandidate_DoesNotBlockSuccess()
    {
        var net = new VirtualIceNetwork();
        // a's second address is dark, and it is a's best (IPv4 order: first listed gets the higher local preference).
        net.Blackhole(A1);
        await using var a = new IceTestPeer("a", Options(RTCIceRole.Controlling), net.CreateHost(A1, A2));
        await using var b = new IceTestPeer("b", Options(RTCIceRole.Controlled), net.CreateHost(B1));
        await IceTestPeer.ConnectAsync(a, b);

        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        await DumpAsync(a, b);
        Assert.Equal(A2.ToString(), a.Agent.GetSelectedCandidatePair()!.Local.Address);
        Assert.Equal(A2.ToString(), b.Agent.GetSelectedCandidatePair()!.Remote.Address);
    }

    [Fact]
    public async Task AllPairsDead_FailsAfterEndOfCandidates_WithDiagnostics()
    {
        var net = new VirtualIceNetwork();
        net.Blackhole(B1);
        var options = Options(RTCIceRole.Controlling) with { MaxCheckRequests = 3 };
        await using var a = new IceTestPeer("a", options, net.CreateHost(A1));
        await using var b = new IceTestPeer("b", Options(RTCIceRole.Controlled) with { MaxCheckRequests = 3 }, net.CreateHost(B1));
        await IceTestPeer.ConnectAsync(a, b);

        await a.WaitForAsync(s => s == RTCIceTransportState.Failed);
        var diagnostics = await a.Agent.GetDiagnosticsAsync();
        output.WriteLine(diagnostics.ToString());
        Assert.Contains("failed after the peer's end-of-candidates", diagnostics.StateReason);
        var pair = Assert.Single(diagnostics.Pairs);
        Assert.Equal(RTCIceCandidatePairState.Failed, pair.State);
        Assert.Equal(3, pair.RequestsSent);
        Assert.Contains("timeout after 3 request(s)", pair.LastResult);
        Assert.Contains("timeout after 3 request(s)", diagnostics.ToString());
        Assert.Contains(a.EventsOf<IceCheckFailedEvent>(), e => e.ErrorCode is null && e.Reason.Contains("timeout"));
    }

    [Fact]
    public async Task WithoutEndOfCandidates_FailureWaitsForTheTimeout()
    {
        var net = new VirtualIceNetwork();
        net.Blackhole(B1);
        var options = Options(RTCIceRole.Controlling) with { MaxCheckRequests = 2, EndOfCandidatesTimeout = TimeSpan.FromMilliseconds(500) };
        await using var a = new IceTestPeer("a", options, net.CreateHost(A1));
        await using var b = new IceTestPeer("b", Options(RTCIceRole.Controlled), net.CreateHost(B1));
        a.Agent.SetRemoteParameters(b.Agent.LocalParameters);
        a.Agent.StartGathering();
        b.Agent.StartGathering();
        await IceTestPeer.WaitGatheredAsync(b);
        foreach (var c in b.Agent.LocalCandidates) a.Agent.AddRemoteCandidate(c);   // no end-of-candidates

        await a.WaitForAsync(s => s == RTCIceTransportState.Failed);
        var diagnostics = await a.Agent.GetDiagnosticsAsync();
        Assert.Contains("no remote candidate for 500 ms", diagnostics.StateReason);
        Assert.False(diagnostics.RemoteEndOfCandidates);
    }

    [Fact]
    public async Task ConsentLost_Disconnected_ThenFailed()
    {
        var net = new VirtualIceNetwork();
        var options = Options(RTCIceRole.Controlling) with
        {
            // Short, but with room for a loaded 2-core machine running other tests.
            ConsentInterval = TimeSpan.FromMilliseconds(100),
            DisconnectedTimeout = TimeSpan.FromMilliseconds(1000),
            ConsentTimeout = TimeSpan.FromMilliseconds(3000),
        };
        await using var a = new IceTestPeer("a", options, net.CreateHost(A1));
        await using var b = new IceTestPeer("b", options with { Role = RTCIceRole.Controlled }, net.CreateHost(B1));
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();

        // Consent keeps it up for several intervals.
        await a.WaitForEventAsync<IceCheckSucceededEvent>(_ => a.EventsOf<IceCheckSucceededEvent>().Count(c => c.Kind == IceCheckKind.Consent) >= 3);
        net.Blackhole(B1);   // the peer stops answering

        await a.WaitForEventAsync<IceStateChangedEvent>(e => e.NewState == RTCIceTransportState.Disconnected);
        await a.WaitForEventAsync<IceStateChangedEvent>(e => e.NewState == RTCIceTransportState.Failed);
        var states = a.EventsOf<IceStateChangedEvent>().Select(e => e.NewState).ToList();
        int disconnected = states.IndexOf(RTCIceTransportState.Disconnected);
        Assert.True(disconnected > 0 && states.IndexOf(RTCIceTransportState.Failed) > disconnected, string.Join(", ", states));
        Assert.Contains("consent expired", (await a.Agent.GetDiagnosticsAsync()).StateReason);
        Assert.Contains(a.EventsOf<IceCheckFailedEvent>(), e => e.Kind == IceCheckKind.Consent);
        // RFC 7675 §5.1: no data after consent expired.
        await a.Agent.Transport.SendAsync(new byte[] { 23, 1, 2, 3 });
        Assert.Equal(1, a.Agent.Transport.SendsDropped);
    }

    [Fact]
    public async Task ConsentRecovers_FromDisconnected()
    {
        var net = new VirtualIceNetwork();
        var options = Options(RTCIceRole.Controlling) with
        {
            ConsentInterval = TimeSpan.FromMilliseconds(50),
            DisconnectedTimeout = TimeSpan.FromMilliseconds(300),
            ConsentTimeout = TimeSpan.FromSeconds(30),
        };
        await using var a = new IceTestPeer("a", options, net.CreateHost(A1));
        await using var b = new IceTestPeer("b", options with { Role = RTCIceRole.Controlled }, net.CreateHost(B1));
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        net.Blackhole(B1);
        await a.WaitForAsync(s => s == RTCIceTransportState.Disconnected);
        net.ClearBlackholes();
        await a.WaitConnectedAsync();
    }

    [Fact]
    public async Task PeerReflexive_LearnedFromAnEarlyCheck_IsUsedAtOnce()
    {
        var net = new VirtualIceNetwork();
        await using var a = new IceTestPeer("a", Options(RTCIceRole.Controlling), net.CreateHost(A1));
        await using var b = new IceTestPeer("b", Options(RTCIceRole.Controlled), net.CreateHost(B1));
        a.Agent.SetRemoteParameters(b.Agent.LocalParameters);
        b.Agent.SetRemoteParameters(a.Agent.LocalParameters);
        // Only a trickles: b's candidates never reach a, so a knows b only from b's checks.
        a.TrickleTo(b);
        a.Agent.StartGathering();
        b.Agent.StartGathering();

        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        await DumpAsync(a, b);
        var selected = a.Agent.GetSelectedCandidatePair()!;
        Assert.Equal(RTCIceCandidateType.Prflx, selected.Remote.Type);
        var learned = Assert.Single(a.EventsOf<IcePeerReflexiveCandidateEvent>(), e => !e.IsLocal);
        Assert.Equal(B1.ToString(), learned.Candidate.Address);
        // The very next things a does with it: pair it and check it (triggered), no waiting.
        var events = a.Events.ToList();
        int learnedAt = events.IndexOf(learned);
        Assert.IsType<IceCandidatePairAddedEvent>(events[learnedAt + 1]);
        Assert.Contains(events.Skip(learnedAt), e => e is IceCheckSentEvent { Triggered: true });

        // The trickled candidate arriving late upgrades the peer-reflexive one in place.
        foreach (var c in b.Agent.LocalCandidates) a.Agent.AddRemoteCandidate(c);
        var diagnostics = await a.Agent.GetDiagnosticsAsync();
        Assert.Equal(RTCIceCandidateType.Host, diagnostics.PairOf(Assert.Single(diagnostics.Pairs)).Remote.Type);
    }

    [Fact]
    public async Task RemoteCandidatesBeforeCredentials_AreHeld()
    {
        var net = new VirtualIceNetwork();
        await using var a = new IceTestPeer("a", Options(RTCIceRole.Controlling), net.CreateHost(A1));
        await using var b = new IceTestPeer("b", Options(RTCIceRole.Controlled), net.CreateHost(B1));
        a.Agent.StartGathering();
        b.Agent.StartGathering();
        await IceTestPeer.WaitGatheredAsync(a);
        await IceTestPeer.WaitGatheredAsync(b);
        foreach (var c in b.Agent.LocalCandidates) a.Agent.AddRemoteCandidate(c);
        foreach (var c in a.Agent.LocalCandidates) b.Agent.AddRemoteCandidate(c);
        Assert.Empty((await a.Agent.GetDiagnosticsAsync()).Pairs);
        Assert.Equal(RTCIceTransportState.New, a.Agent.State);

        a.Agent.SetRemoteParameters(b.Agent.LocalParameters);
        b.Agent.SetRemoteParameters(a.Agent.LocalParameters);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
    }

    [Fact]
    public async Task ChecksBeforeOurRemoteCredentials_AreAnswered_ThenTriggeredOnceTheyCome()
    {
        var net = new VirtualIceNetwork();
        await using var a = new IceTestPeer("a", Options(RTCIceRole.Controlling), net.CreateHost(A1));
        await using var b = new IceTestPeer("b", Options(RTCIceRole.Controlled), net.CreateHost(B1));
        // b knows everything about a; a knows nothing about b yet (its answer is still travelling).
        b.Agent.SetRemoteParameters(a.Agent.LocalParameters);
        a.TrickleTo(b);
        a.Agent.StartGathering();
        b.Agent.StartGathering();

        // a answers b's checks with its own password and learns b as peer-reflexive...
        var learned = await a.WaitForEventAsync<IcePeerReflexiveCandidateEvent>(e => !e.IsLocal);
        await b.WaitForEventAsync<IceCheckSucceededEvent>();
        // ...but cannot check back without b's password.
        Assert.Empty(a.EventsOf<IceCheckSentEvent>());
        Assert.Null(a.Agent.GetSelectedCandidatePair());

        a.Agent.SetRemoteParameters(b.Agent.LocalParameters);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        Assert.Equal(learned.Candidate.Port, a.Agent.GetSelectedCandidatePair()!.Remote.Port);
        Assert.True(a.EventsOf<IceCheckSentEvent>()[0].Triggered);
    }

    [Fact]
    public async Task MdnsRemoteCandidate_ResolvedByTheResolver()
    {
        var net = new VirtualIceNetwork();
        var name = Guid.NewGuid().ToString() + ".local";
        var resolver = new FakeMdnsResolver { [name] = B1 };
        await using var a = new IceTestPeer("a", Options(RTCIceRole.Controlling) with { MdnsResolver = resolver }, net.CreateHost(A1));
        await using var b = new IceTestPeer("b", Options(RTCIceRole.Controlled), net.CreateHost(B1));
        a.Agent.SetRemoteParameters(b.Agent.LocalParameters);
        b.Agent.SetRemoteParameters(a.Agent.LocalParameters);
        // a's candidates do not reach b: only a's checks to the resolved name can connect them.
        a.Agent.StartGathering();
        b.Agent.StartGathering();
        await IceTestPeer.WaitGatheredAsync(b);
        // b hides its address behind a name, as browsers do.
        a.Agent.AddRemoteCandidate(b.Agent.LocalCandidates[0] with { Address = name });
        a.Agent.AddRemoteCandidate(b.Agent.LocalCandidates[0] with { Address = "unknown-" + name, Port = 9 });
        a.Agent.AddRemoteEndOfCandidates();

        await a.WaitConnectedAsync();
        var added = Assert.Single(a.EventsOf<IceRemoteCandidateAddedEvent>());
        Assert.Equal(name, added.Candidate.Address);
        Assert.Equal(B1.ToString(), added.ResolvedAddress);
        Assert.Contains(a.EventsOf<IceRemoteCandidateRejectedEvent>(), e => e.Reason.Contains("did not resolve"));
        Assert.Contains(name, resolver.Queries);
    }

    [Fact]
    public async Task MdnsCandidate_WithoutResolver_IsRejected()
    {
        var net = new VirtualIceNetwork();
        await using var a = new IceTestPeer("a", Options(RTCIceRole.Controlling), net.CreateHost(A1));
        a.Agent.SetRemoteParameters(RTCIceParameters.Generate());
        a.Agent.AddRemoteCandidate(RTCIceCandidate.Parse("candidate:1 1 udp 2130706431 abc.local 4000 typ host"));
        a.Agent.AddRemoteCandidate(RTCIceCandidate.Parse("candidate:1 1 tcp 2130706431 198.18.0.9 4000 typ host tcptype passive"));
        a.Agent.AddRemoteCandidate(RTCIceCandidate.Parse("candidate:1 2 udp 2130706431 198.18.0.9 4000 typ host"));
        var diagnostics = await a.Agent.GetDiagnosticsAsync();
        Assert.Equal(3, diagnostics.Problems.Count);
        Assert.Contains(diagnostics.Problems, p => p.Contains("no resolver"));
        Assert.Contains(diagnostics.Problems, p => p.Contains("TCP"));
        Assert.Contains(diagnostics.Problems, p => p.Contains("component 2"));
    }

    [Fact]
    public async Task RoleConflict_BothControlled_Resolves()
    {
        var net = new VirtualIceNetwork();
        await using var a = new IceTestPeer("a", Options(RTCIceRole.Controlled) with { TieBreaker = 10 }, net.CreateHost(A1));
        await using var b = new IceTestPeer("b", Options(RTCIceRole.Controlled) with { TieBreaker = 20 }, net.CreateHost(B1));
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        // RFC 8445 §7.3.1.1: of two controlled agents, the larger tie-breaker takes control.
        Assert.Equal(RTCIceRole.Controlled, a.Agent.Role);
        Assert.Equal(RTCIceRole.Controlling, b.Agent.Role);
        Assert.NotEmpty(b.EventsOf<IceRoleChangedEvent>());
    }

    [Fact]
    public async Task Restart_KeepsTheOldPairUntilTheNewOneIsUp()
    {
        var net = new VirtualIceNetwork();
        await using var a = new IceTestPeer("a", Options(RTCIceRole.Controlling), net.CreateHost(A1));
        await using var b = new IceTestPeer("b", Options(RTCIceRole.Controlled), net.CreateHost(B1));
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        var oldUfrag = a.Agent.LocalParameters.UsernameFragment;

        var pa = await a.Agent.RestartAsync();
        var pb = await b.Agent.RestartAsync();
        Assert.NotEqual(oldUfrag, pa.UsernameFragment);
        // Data still flows on the old pair while the new credentials travel.
        Assert.NotNull(a.Agent.GetSelectedCandidatePair());
        await a.Agent.Transport.SendAsync(new byte[] { 23, 42 });
        var buffer = new byte[100];
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            Assert.Equal(2, await b.Agent.Transport.ReceiveAsync(buffer, cts.Token));
        }
        Assert.True(a.Agent.State is RTCIceTransportState.Connected or RTCIceTransportState.Completed);

        a.Agent.SetRemoteParameters(pb);
        b.Agent.SetRemoteParameters(pa);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (a.EventsOf<IceSelectedCandidatePairChangedEvent>().Count < 2 || b.EventsOf<IceSelectedCandidatePairChangedEvent>().Count < 2)
        {
            await Task.Delay(10, wait.Token);
        }
        await DumpAsync(a, b);
        Assert.Contains(a.EventsOf<IceCandidateGatheredEvent>(), e => e.Candidate.UsernameFragment == pa.UsernameFragment);
        await a.WaitForAsync(s => s == RTCIceTransportState.Completed);
        Assert.Empty((await a.Agent.GetDiagnosticsAsync()).InternalErrors);
    }

    [Fact]
    public async Task PeerRestart_NewRemoteCredentials_RestartThisSideToo()
    {
        var net = new VirtualIceNetwork();
        await using var a = new IceTestPeer("a", Options(RTCIceRole.Controlling), net.CreateHost(A1));
        await using var b = new IceTestPeer("b", Options(RTCIceRole.Controlled), net.CreateHost(B1));
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        var oldB = b.Agent.LocalParameters;

        var pa = await a.Agent.RestartAsync();
        b.Agent.SetRemoteParameters(pa);   // b learns of the restart only from the new offer
        var restart = await b.WaitForEventAsync<IceRestartEvent>();
        Assert.NotEqual(oldB.UsernameFragment, restart.UsernameFragment);
        Assert.Equal(restart.UsernameFragment, b.Agent.LocalParameters.UsernameFragment);
        a.Agent.SetRemoteParameters(b.Agent.LocalParameters);

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (a.EventsOf<IceSelectedCandidatePairChangedEvent>().Count < 2 || b.EventsOf<IceSelectedCandidatePairChangedEvent>().Count < 2)
        {
            await Task.Delay(10, wait.Token);
        }
        Assert.Equal(pa, b.Agent.RemoteParameters);
        Assert.True(a.Agent.State is RTCIceTransportState.Connected or RTCIceTransportState.Completed);
    }

    private sealed class FakeMdnsResolver : Dictionary<string, IPAddress>, IMdnsResolver
    {
        public List<string> Queries { get; } = [];

        public ValueTask<IReadOnlyList<IPAddress>> ResolveAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
        {
            lock (Queries) Queries.Add(name);
            return ValueTask.FromResult<IReadOnlyList<IPAddress>>(TryGetValue(name, out var address) ? [address] : []);
        }
    }
}

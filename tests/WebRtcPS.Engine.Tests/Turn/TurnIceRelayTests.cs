using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Tests.Ice;
using WebRtcPS.Engine.Turn;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Turn;

/// <summary>
/// Two ICE agents connecting relay-only through coturn: each gathers a relayed candidate through
/// <see cref="TurnRelaySource"/>, and checks and data go agent → TURN → relay → relay → TURN → agent.
/// The agent has no relay-only policy, so host gathering is switched off with an interface filter
/// that accepts nothing (the hook wanted in Ice/ is an IceTransportPolicy.Relay option).
/// </summary>
public sealed class TurnIceRelayTests(CoturnFixture fixture, ITestOutputHelper output) : IClassFixture<CoturnFixture>
{
    private static IceAgentOptions RelayOnly(RTCIceRole role, TurnClientOptions turn) => IceTestPeer.LoopbackOptions(role) with
    {
        InterfaceFilter = _ => false,
        RelaySource = new TurnRelaySource(turn),
    };

    [SkippableTheory]
    [InlineData("udp")]
    [InlineData("tcp")]
    [InlineData("tls")]
    public async Task AgentsConnectRelayOnlyThroughTurn(string transport)
    {
        var server = fixture.Require();
        var turn = server.Options(transport switch { "udp" => server.UdpUri, "tcp" => server.TcpUri, _ => server.TlsUri });
        await using var a = new IceTestPeer("a", RelayOnly(RTCIceRole.Controlling, turn));
        await using var b = new IceTestPeer("b", RelayOnly(RTCIceRole.Controlled, turn));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        output.WriteLine($"{transport}: connected relay-only in {watch.ElapsedMilliseconds} ms");

        var pair = a.Agent.GetSelectedCandidatePair()!;
        output.WriteLine($"selected: {pair}");
        Assert.Equal(RTCIceCandidateType.Relay, pair.Local.Type);
        Assert.Equal(RTCIceCandidateType.Relay, pair.Remote.Type);
        Assert.All(a.Agent.LocalCandidates, c => Assert.Equal(RTCIceCandidateType.Relay, c.Type));
        Assert.Equal(RTCIceCandidateType.Relay, b.Agent.GetSelectedCandidatePair()!.Local.Type);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[1500];
        for (int i = 0; i < 50; i++)
        {
            var datagram = new byte[1 + i * 20];
            datagram[0] = (byte)(20 + i % 44); // DTLS-looking (RFC 7983)
            datagram.AsSpan(1).Fill((byte)i);
            await a.Agent.Transport.SendAsync(datagram, cts.Token);
            int n = await b.Agent.Transport.ReceiveAsync(buffer, cts.Token);
            Assert.Equal(datagram, buffer[..n]);
            await b.Agent.Transport.SendAsync(datagram, cts.Token);
            n = await a.Agent.Transport.ReceiveAsync(buffer, cts.Token);
            Assert.Equal(datagram, buffer[..n]);
        }
    }

    /// <summary>coturn killed and started again on the same ports (TCP to the server, so the loss
    /// is seen at once): the agent reports the lost relayed candidate, allocates again from the
    /// restarted server, announces the new candidate, and the connection moves onto it. Its own
    /// coturn, since the class's shared one must not restart under other tests. With one relay port
    /// the new allocation has the lost one's relayed address: only its mapped port tells them apart.</summary>
    [SkippableTheory]
    [InlineData(100)]
    [InlineData(1)]
    public async Task RestartedServer_TheRelayIsAllocatedAgain_AndTheConnectionMovesOntoIt(int relayPorts)
    {
        Interop.Require(CoturnServer.Binary is not null && CoturnServer.OpenSsl is not null, "turnserver (coturn) or openssl is not on PATH");
        await using var server = await CoturnServer.StartAsync(new CoturnSettings { RelayPorts = relayPorts });
        var turn = server.Options(server.TcpUri);
        // 0.5 s doubling six times: 31.5 s for coturn to come back on a loaded machine.
        await using var a = new IceTestPeer("a", RelayOnly(RTCIceRole.Controlling, turn) with
        {
            RelayReallocationAttempts = 6,
            RelayReallocationBackoff = TimeSpan.FromMilliseconds(500),
        });
        await using var b = new IceTestPeer("b", IceTestPeer.LoopbackOptions(RTCIceRole.Controlled));
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        var first = a.Agent.GetSelectedCandidatePair()!.Local;
        Assert.Equal(RTCIceCandidateType.Relay, first.Type);

        await server.RestartAsync();
        // The restarted coturn may hand out the same relayed port again (1 in 100 here): the new
        // candidate is told apart by its whole value (a new TCP connection, a new mapped port).
        var moved = await a.WaitForEventAsync<IceSelectedCandidatePairChangedEvent>(e => e.Pair is { } p && p.Local.Type == RTCIceCandidateType.Relay && p.Local != first, 60);
        if (relayPorts == 1) Assert.Equal(first.Port, moved.Pair!.Local.Port);
        foreach (var e in a.EventsOf<IceCandidateErrorEvent>()) output.WriteLine(e.ToString());
        output.WriteLine($"moved to {moved.Pair}");
        Assert.Contains(a.EventsOf<IceCandidateErrorEvent>(), e => e.ErrorText.Contains($"{first.Address}:{first.Port} is gone", StringComparison.Ordinal));
        Assert.Contains(a.EventsOf<IceCandidateGatheredEvent>(), e => e.Candidate == moved.Pair!.Local);
        Assert.DoesNotContain(first, a.Agent.LocalCandidates);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[1500];
        byte[] datagram = [23, 1, 2, 3];   // DTLS-looking (RFC 7983)
        await a.Agent.Transport.SendAsync(datagram, cts.Token);
        int n = await b.Agent.Transport.ReceiveAsync(buffer, cts.Token);
        Assert.Equal(datagram, buffer[..n]);
    }

    [SkippableFact]
    public async Task FailedAllocationIsACandidateErrorNotAnException()
    {
        var server = fixture.Require();
        var turn = server.Options(server.UdpUri, password: "wrong");
        await using var a = new IceTestPeer("a", RelayOnly(RTCIceRole.Controlling, turn));
        a.Agent.StartGathering();
        await IceTestPeer.WaitGatheredAsync(a);
        var error = Assert.Single(a.EventsOf<IceCandidateErrorEvent>());
        output.WriteLine(error.ToString());
        Assert.Contains("Authentication failed", error.ToString());
        Assert.Empty(a.Agent.LocalCandidates);
    }
}

public sealed class TurnRelaySourceTests(CoturnFixture fixture) : IClassFixture<CoturnFixture>
{
    [SkippableFact]
    public async Task YieldsOneAllocationPerServerWithFailuresAsErrors()
    {
        var server = fixture.Require();
        int closed;
        using (var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            s.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            closed = ((System.Net.IPEndPoint)s.LocalEndPoint!).Port;
        }
        var source = new TurnRelaySource(
            server.Options(server.UdpUri),
            server.Options(server.TlsUri),
            server.Options(IceServerUri.Parse($"turn:127.0.0.1:{closed}?transport=tcp")));
        var allocations = new List<RelayAllocation>();
        await foreach (var allocation in source.AllocateAsync(new UdpIceNetwork(), CancellationToken.None)) allocations.Add(allocation);
        Assert.Equal(3, allocations.Count);
        var good = allocations.Where(a => a.Error is null).ToList();
        Assert.Equal(2, good.Count);
        Assert.Contains(good, a => a.ServerTransport == RTCIceProtocol.Udp);
        Assert.Contains(good, a => a.ServerTransport == RTCIceProtocol.Tcp); // TLS counts as TCP
        Assert.All(good, a => Assert.Equal(a.RelayedAddress, a.Socket!.LocalEndPoint));
        var bad = Assert.Single(allocations, a => a.Error is not null);
        Assert.Contains("Not reachable", bad.Error);
        Assert.Null(bad.Socket);

        // The socket relays: one allocation sends to the other.
        var (x, y) = (good[0].Socket!, good[1].Socket!);
        await x.SendToAsync(new byte[] { 1, 2, 3 }, y.LocalEndPoint);
        await ((TurnRelaySocket)y).Client.CreatePermissionAsync(x.LocalEndPoint.Address);
        await x.SendToAsync(new byte[] { 4, 5, 6 }, y.LocalEndPoint);
        var buffer = new byte[64];
        IcePacketReceiveResult got;
        do
        {
            got = await y.ReceiveFromAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
        while (buffer[0] != 4); // the first may have been dropped for want of y's permission
        Assert.Equal(x.LocalEndPoint, got.RemoteEndPoint);
        foreach (var a in good) await a.Socket!.DisposeAsync();
        Assert.True(((TurnRelaySocket)x).Client.ClosedCleanly);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await y.ReceiveFromAsync(buffer));
    }
}

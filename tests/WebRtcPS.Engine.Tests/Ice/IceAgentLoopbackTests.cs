using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Stun;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>Two agents in one process over real UDP on loopback (and only loopback).</summary>
public sealed class IceAgentLoopbackTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ControllingAndControlled_Connect(bool trickle)
    {
        await using var a = new IceTestPeer("a", IceTestPeer.LoopbackOptions(RTCIceRole.Controlling));
        await using var b = new IceTestPeer("b", IceTestPeer.LoopbackOptions(RTCIceRole.Controlled));
        await IceTestPeer.ConnectAsync(a, b, trickle);

        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        // Both sides sent end-of-candidates and gathering is over: completed.
        await a.WaitForAsync(s => s == RTCIceTransportState.Completed);
        await b.WaitForAsync(s => s == RTCIceTransportState.Completed);

        var pa = a.Agent.GetSelectedCandidatePair();
        var pb = b.Agent.GetSelectedCandidatePair();
        Assert.NotNull(pa);
        Assert.NotNull(pb);
        Assert.Equal(pa.Local.Port, pb.Remote.Port);
        Assert.Equal(pa.Remote.Port, pb.Local.Port);
        Assert.Equal(RTCIceRole.Controlling, a.Agent.Role);
        Assert.Equal(RTCIceRole.Controlled, b.Agent.Role);
        Assert.Contains(a.EventsOf<IcePairNominatedEvent>(), e => e.Pair == pa);
        Assert.Contains(b.EventsOf<IcePairNominatedEvent>(), e => e.Pair == pb);
        var diagnostics = await a.Agent.GetDiagnosticsAsync();
        Assert.Empty(diagnostics.InternalErrors);
        Assert.Contains(diagnostics.Pairs, p => p.Selected && p.Nominated && p.ResponsesReceived > 0);
        // The W3C accessors on the transport agree with the agents.
        Assert.Equal(b.Agent.LocalParameters, a.Agent.Transport.GetRemoteParameters());
        Assert.Equal(a.Agent.LocalParameters, a.Agent.Transport.GetLocalParameters());
        Assert.Equal(b.Agent.LocalCandidates.Select(c => c.Port).Order(), a.Agent.Transport.GetRemoteCandidates().Select(c => c.Port).Order());
        Assert.Equal(a.Agent.LocalCandidates, a.Agent.Transport.GetLocalCandidates());
        Assert.Equal(pa, a.Agent.Transport.GetSelectedCandidatePair());
        output.WriteLine(diagnostics.ToString());
        foreach (var e in a.Events) output.WriteLine($"a {e.Elapsed.TotalMilliseconds,8:0.000} {e}");
        foreach (var e in b.Events) output.WriteLine($"b {e.Elapsed.TotalMilliseconds,8:0.000} {e}");
    }

    [Fact]
    public async Task BothControlling_RoleConflictResolves()
    {
        await using var a = new IceTestPeer("a", IceTestPeer.LoopbackOptions(RTCIceRole.Controlling));
        await using var b = new IceTestPeer("b", IceTestPeer.LoopbackOptions(RTCIceRole.Controlling));
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();

        Assert.NotEqual(a.Agent.Role, b.Agent.Role);
        // RFC 8445 §7.3.1.1: the larger tie-breaker stays controlling.
        var winner = a.Agent.TieBreaker > b.Agent.TieBreaker ? a : b;
        var loser = ReferenceEquals(winner, a) ? b : a;
        Assert.Equal(RTCIceRole.Controlling, winner.Agent.Role);
        var change = Assert.Single(loser.EventsOf<IceRoleChangedEvent>());
        Assert.Equal(RTCIceRole.Controlled, change.NewRole);
        Assert.Empty(winner.EventsOf<IceRoleChangedEvent>());
    }

    [Fact]
    public async Task DataThroughIceTransport_ArrivesBothWays()
    {
        await using var a = new IceTestPeer("a", IceTestPeer.LoopbackOptions(RTCIceRole.Controlling));
        await using var b = new IceTestPeer("b", IceTestPeer.LoopbackOptions(RTCIceRole.Controlled));
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        Assert.Equal(1200, a.Agent.Transport.MaxDatagramSize);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[1500];
        for (int i = 0; i < 100; i++)
        {
            // DTLS-looking datagrams (first byte 20-63, RFC 7983).
            var datagram = new byte[1 + i * 10];
            datagram[0] = (byte)(20 + i % 44);
            datagram.AsSpan(1).Fill((byte)i);
            await a.Agent.Transport.SendAsync(datagram, cts.Token);
            int n = await b.Agent.Transport.ReceiveAsync(buffer, cts.Token);
            Assert.Equal(datagram, buffer[..n]);
            await b.Agent.Transport.SendAsync(datagram, cts.Token);
            n = await a.Agent.Transport.ReceiveAsync(buffer, cts.Token);
            Assert.Equal(datagram, buffer[..n]);
        }
        var stats = (await a.Agent.GetStatsAsync()).Single(p => p.Selected);
        Assert.Equal(100, stats.PacketsSent);
        Assert.Equal(100, stats.PacketsReceived);
        Assert.Equal(Enumerable.Range(0, 100).Sum(i => 1 + i * 10), stats.BytesSent);
        Assert.NotNull(stats.CurrentRoundTripTime);
    }

    [Fact]
    public async Task GarbageDatagrams_DoNotDisturbTheAgent()
    {
        await using var a = new IceTestPeer("a", IceTestPeer.LoopbackOptions(RTCIceRole.Controlling) with { EnableIPv6 = false });
        await using var b = new IceTestPeer("b", IceTestPeer.LoopbackOptions(RTCIceRole.Controlled) with { EnableIPv6 = false });
        a.Agent.StartGathering();
        await IceTestPeer.WaitGatheredAsync(a);
        var target = new IPEndPoint(IPAddress.Loopback, a.Agent.LocalCandidates[0].Port);

        using var attacker = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var random = new Random(7);
        async Task SprayAsync()
        {
            for (int i = 0; i < 300; i++)
            {
                var junk = new byte[random.Next(0, 200)];
                random.NextBytes(junk);
                if (junk.Length > 0 && i % 3 == 0) junk[0] = (byte)(i % 4);          // STUN-looking first byte
                if (junk.Length > 0 && i % 3 == 1) junk[0] = (byte)(20 + i % 44);   // DTLS-looking, unvalidated source
                await attacker.SendAsync(junk, target);
            }
            // Well-formed STUN with wrong credentials, and a stray response.
            var bad = new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId())
                .Add(new WebRtcPS.Engine.Stun.Attributes.Username("nobody:x"))
                .Add(new WebRtcPS.Engine.Stun.Attributes.Priority(1))
                .AddMessageIntegrity(new byte[16]).AddFingerprint().ToArray();
            await attacker.SendAsync(bad, target);
            var stray = new StunMessageBuilder(StunMessageType.BindingSuccessResponse, StunTransactionId.NewId()).AddFingerprint().ToArray();
            await attacker.SendAsync(stray, target);
        }

        await SprayAsync();   // before connecting
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        await SprayAsync();   // and while connected

        // The burst may overflow the kernel's receive buffer (UDP drops, as it may): resend
        // until one arrives, as DTLS would retransmit.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[100];
        var receive = a.Agent.Transport.ReceiveAsync(buffer, cts.Token).AsTask();
        while (!receive.IsCompleted)
        {
            await b.Agent.Transport.SendAsync(new byte[] { 23, 1, 2, 3 }, cts.Token);
            await Task.WhenAny(receive, Task.Delay(100, cts.Token));
        }
        int n = await receive;
        Assert.Equal(new byte[] { 23, 1, 2, 3 }, buffer[..n]);   // only b's datagram got through

        var diagnostics = await a.Agent.GetDiagnosticsAsync();
        Assert.Empty(diagnostics.InternalErrors);
        Assert.True(a.Agent.DatagramsDropped > 100, $"dropped {a.Agent.DatagramsDropped}");
        Assert.True(a.Agent.State is RTCIceTransportState.Connected or RTCIceTransportState.Completed);
        // The attacker is not a candidate: answered (401/400) but never paired or learned.
        Assert.DoesNotContain(diagnostics.RemoteCandidates, c => c.Port == ((IPEndPoint)attacker.Client.LocalEndPoint!).Port);
    }

    [Fact]
    public async Task StunGathering_AgainstLoopbackServer_YieldsSrflx()
    {
        await using var server = StunServer.Start(new IPEndPoint(IPAddress.Loopback, 0));
        // A closed port: its requests time out and are reported as a candidate error.
        int closedPort;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))) closedPort = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        var options = IceTestPeer.LoopbackOptions(RTCIceRole.Controlling) with
        {
            EnableIPv6 = false,
            IceServers = [$"stun:127.0.0.1:{server.LocalEndPoint.Port}", $"stun:127.0.0.1:{closedPort}"],
            // The live server gets 1 s, 2 s more for a retry (a loaded machine can sit on a datagram
            // for hundreds of ms); the closed port's timeout costs those 3 s.
            StunRto = TimeSpan.FromSeconds(1),
            MaxStunRequests = 2,
        };
        await using var a = new IceTestPeer("a", options);
        a.Agent.StartGathering();
        await IceTestPeer.WaitGatheredAsync(a);

        var host = Assert.Single(a.EventsOf<IceCandidateGatheredEvent>(), e => e.Candidate.Type == RTCIceCandidateType.Host).Candidate;
        var srflx = Assert.Single(a.EventsOf<IceCandidateGatheredEvent>(), e => e.Candidate.Type == RTCIceCandidateType.Srflx);
        // On loopback there is no NAT: the mapped address is the host address itself. RFC 8445
        // §5.1.3 would call it redundant; the agent still reports it (the server answered) and
        // never pairs it.
        Assert.Equal("127.0.0.1", srflx.Candidate.Address);
        Assert.Equal(host.Port, srflx.Candidate.Port);
        Assert.Equal(host.Address, srflx.Candidate.RelatedAddress);
        Assert.Equal(host.Port, srflx.Candidate.RelatedPort);
        Assert.Equal($"stun:127.0.0.1:{server.LocalEndPoint.Port}", srflx.Url);
        Assert.Equal(CandidatePriority.ServerReflexiveTypePreference, srflx.Candidate.PriorityParts.TypePreference);
        var error = Assert.Single(a.EventsOf<IceCandidateErrorEvent>());
        Assert.Contains($":{closedPort}", error.Url);
        Assert.Equal(RTCIceGatheringState.Complete, a.Agent.GatheringState);
        Assert.Contains(a.Agent.LocalCandidates, c => c.Type == RTCIceCandidateType.Srflx);
    }
}

using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.Dtls;
using WebRtcPS.Engine.Tests.PeerConnection;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>ICE-TCP (RFC 6544) between two agents on 127.0.0.1, UDP disabled unless said.</summary>
public sealed class IceTcpTests
{
    private static IceAgentOptions TcpOnly(RTCIceRole role) => IceTestPeer.LoopbackOptions(role) with
    {
        EnableTcp = true,
        DisableUdp = true,
        EnableIPv6 = false,
    };

    private static async Task<(IceTestPeer A, IceTestPeer B)> ConnectTcpOnlyAsync()
    {
        var a = new IceTestPeer("a", TcpOnly(RTCIceRole.Controlling));
        var b = new IceTestPeer("b", TcpOnly(RTCIceRole.Controlled));
        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        return (a, b);
    }

    private static async Task<byte[]> ReceiveAsync(IceTransport transport)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[2048];
        int n = await transport.ReceiveAsync(buffer, cts.Token);
        return buffer[..n];
    }

    [Fact]
    public void TcpLocalPreference_FollowsRfc6544_AndStaysBelowUdp()
    {
        Assert.Equal(6 * 8192 + 8191, IceAgent.TcpLocalPreference(RTCIceTcpCandidateType.Active, 0));
        Assert.Equal(4 * 8192 + 8191, IceAgent.TcpLocalPreference(RTCIceTcpCandidateType.Passive, 0));
        Assert.Equal(4 * 8192 + 8190, IceAgent.TcpLocalPreference(RTCIceTcpCandidateType.Passive, 1));
        var udpHost = CandidatePriority.Compute(RTCIceCandidateType.Host);
        var tcpActive = new CandidatePriority(CandidatePriority.HostTypePreference, IceAgent.TcpLocalPreference(RTCIceTcpCandidateType.Active, 0), 1).Value;
        Assert.True(udpHost > tcpActive);
    }

    [Fact]
    public async Task TcpOnly_Gathers_PassiveAndActiveHostCandidates()
    {
        await using var a = new IceTestPeer("a", TcpOnly(RTCIceRole.Controlling));
        a.Agent.StartGathering();
        await IceTestPeer.WaitGatheredAsync(a);
        var candidates = a.Agent.LocalCandidates;
        Assert.Equal(2, candidates.Count);
        Assert.All(candidates, c => Assert.Equal(RTCIceProtocol.Tcp, c.Protocol));
        var passive = Assert.Single(candidates, c => c.TcpType == RTCIceTcpCandidateType.Passive);
        var active = Assert.Single(candidates, c => c.TcpType == RTCIceTcpCandidateType.Active);
        Assert.Matches(@"^candidate:\d+ 1 tcp \d+ 127\.0\.0\.1 \d+ typ host tcptype passive( ufrag \S+)?$", passive.ToSdpString());
        Assert.NotEqual(9, passive.Port);
        Assert.Equal(9, active.Port);
        Assert.NotEqual(passive.Foundation, active.Foundation);
        Assert.True(active.Priority > passive.Priority);
        Assert.Equal(CandidatePriority.HostTypePreference, passive.PriorityParts.TypePreference);
        // The passive candidate really listens.
        using var probe = new TcpClient();
        await probe.ConnectAsync(IPAddress.Loopback, passive.Port);
    }

    [Fact]
    public async Task TcpOnly_ActiveToPassive_Connects_AndCarriesData()
    {
        var (a, b) = await ConnectTcpOnlyAsync();
        await using (a)
        await using (b)
        {
            var selected = a.Agent.GetSelectedCandidatePair()!;
            Assert.Equal(RTCIceProtocol.Tcp, selected.Local.Protocol);
            Assert.Equal(RTCIceProtocol.Tcp, b.Agent.GetSelectedCandidatePair()!.Local.Protocol);

            // Pairing rules (RFC 6544 §6.2): only active↔passive, never like with like.
            foreach (var peer in new[] { a, b })
            {
                foreach (var added in peer.EventsOf<IceCandidatePairAddedEvent>())
                {
                    var (l, r) = (added.Pair.Local.TcpType, added.Pair.Remote.TcpType);
                    Assert.True((l, r) is (RTCIceTcpCandidateType.Active, RTCIceTcpCandidateType.Passive) or (RTCIceTcpCandidateType.Passive, RTCIceTcpCandidateType.Active), $"{peer.Name}: {added.Pair}");
                }
            }
            // The passive side learned the connecting active candidate as peer-reflexive, with its real port.
            Assert.Contains(a.EventsOf<IcePeerReflexiveCandidateEvent>().Concat(b.EventsOf<IcePeerReflexiveCandidateEvent>()),
                e => !e.IsLocal && e.Candidate.Protocol == RTCIceProtocol.Tcp && e.Candidate.TcpType == RTCIceTcpCandidateType.Active && e.Candidate.Port != 9);

            // Each side reports the connection it opened or accepted.
            var aOpened = a.EventsOf<IceTcpConnectionEvent>().Where(e => e.Open).ToList();
            var bOpened = b.EventsOf<IceTcpConnectionEvent>().Where(e => e.Open).ToList();
            Assert.Contains(aOpened.Concat(bOpened), e => e.LocalCandidate.TcpType == RTCIceTcpCandidateType.Active && e.LocalAddress is not null);
            Assert.Contains(aOpened.Concat(bOpened), e => e.LocalCandidate.TcpType == RTCIceTcpCandidateType.Passive);

            // Data both ways (first byte 23: a DTLS application record, RFC 7983).
            byte[] ping = [23, 254, 253, 1, 2, 3];
            await a.Agent.Transport.SendAsync(ping);
            Assert.Equal(ping, await ReceiveAsync(b.Agent.Transport));
            var big = Enumerable.Range(0, 1200).Select(i => (byte)(i == 0 ? 23 : i)).ToArray();
            for (int i = 0; i < 50; i++) await b.Agent.Transport.SendAsync(big);
            for (int i = 0; i < 50; i++) Assert.Equal(big, await ReceiveAsync(a.Agent.Transport));
            Assert.Equal(0, a.Agent.Transport.SendsDropped);
        }
    }

    [Fact]
    public async Task Dtls_OverTcpIceTransport()
    {
        var (a, b) = await ConnectTcpOnlyAsync();
        await using (a)
        await using (b)
        {
            var (client, server) = await DtlsTestPeers.ConnectAsync(a.Agent.Transport, b.Agent.Transport).Within(TimeSpan.FromSeconds(30));
            await using (client)
            await using (server)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await client.SendAsync("hello over ICE-TCP"u8.ToArray(), cts.Token);
                var buffer = new byte[100];
                int n = await server.ReceiveAsync(buffer, cts.Token);
                Assert.Equal("hello over ICE-TCP", System.Text.Encoding.UTF8.GetString(buffer, 0, n));
                await server.SendAsync("and back"u8.ToArray(), cts.Token);
                n = await client.ReceiveAsync(buffer, cts.Token);
                Assert.Equal("and back", System.Text.Encoding.UTF8.GetString(buffer, 0, n));
            }
            var stats = (await a.Agent.GetStatsAsync()).Single(p => p.Selected);
            Assert.True(stats.PacketsSent > 0 && stats.PacketsReceived > 0);
        }
    }

    [Theory]
    [InlineData("http")]
    [InlineData("oversized")]
    [InlineData("dtls-first")]
    public async Task Garbage_OnATcpConnection_ClosesThatConnectionOnly(string kind)
    {
        var (a, b) = await ConnectTcpOnlyAsync();
        await using (a)
        await using (b)
        {
            var passive = b.Agent.LocalCandidates.Single(c => c.TcpType == RTCIceTcpCandidateType.Passive);
            using var intruder = new TcpClient();
            await intruder.ConnectAsync(IPAddress.Loopback, passive.Port);
            var stream = intruder.GetStream();
            byte[] garbage = kind switch
            {
                "http" => "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(),
                "oversized" => [0xFF, 0xFF, 0x00, 0x01],
                _ => Rfc4571Framing.Frame([23, 254, 253, 0, 0]),
            };
            await stream.WriteAsync(garbage);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var buffer = new byte[64];
            int n;
            try
            {
                n = await stream.ReadAsync(buffer, cts.Token);
            }
            catch (IOException)
            {
                n = 0;
            }
            Assert.Equal(0, n);

            // The agents' own connection is untouched.
            byte[] ping = [23, 1, 2, 3];
            await a.Agent.Transport.SendAsync(ping);
            Assert.Equal(ping, await ReceiveAsync(b.Agent.Transport));
            await b.Agent.Transport.SendAsync(ping);
            Assert.Equal(ping, await ReceiveAsync(a.Agent.Transport));
            Assert.Contains(b.Agent.State, new[] { RTCIceTransportState.Connected, RTCIceTransportState.Completed });
            var dropped = await b.WaitForEventAsync<IceTcpConnectionEvent>(e => !e.Open && e.Reason!.StartsWith("dropped", StringComparison.Ordinal));
            Assert.Equal(RTCIceTcpCandidateType.Passive, dropped.LocalCandidate.TcpType);
            Assert.Contains((await b.Agent.GetDiagnosticsAsync()).Problems, p => p.Contains("TCP connection") && p.Contains("dropped"));
        }
    }

    [Fact]
    public async Task Restart_OverTcp_SelectsANewTcpPair_AndDataKeepsFlowing()
    {
        var (a, b) = await ConnectTcpOnlyAsync();
        await using (a)
        await using (b)
        {
            var pa = await a.Agent.RestartAsync();
            var pb = await b.Agent.RestartAsync();
            byte[] ping = [23, 42];
            await a.Agent.Transport.SendAsync(ping);
            Assert.Equal(ping, await ReceiveAsync(b.Agent.Transport));

            a.Agent.SetRemoteParameters(pb);
            b.Agent.SetRemoteParameters(pa);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (a.EventsOf<IceSelectedCandidatePairChangedEvent>().Count < 2 || b.EventsOf<IceSelectedCandidatePairChangedEvent>().Count < 2)
            {
                await Task.Delay(10, wait.Token);
            }
            Assert.Equal(RTCIceProtocol.Tcp, a.Agent.GetSelectedCandidatePair()!.Local.Protocol);
            await b.Agent.Transport.SendAsync(ping);
            Assert.Equal(ping, await ReceiveAsync(a.Agent.Transport));
            Assert.Empty((await a.Agent.GetDiagnosticsAsync()).InternalErrors);
            Assert.Empty((await b.Agent.GetDiagnosticsAsync()).InternalErrors);
        }
    }

    [Fact]
    public async Task UdpAndTcp_PrefersUdp()
    {
        var options = IceTestPeer.LoopbackOptions(RTCIceRole.Controlling) with { EnableTcp = true, EnableIPv6 = false };
        await using var a = new IceTestPeer("a", options);
        await using var b = new IceTestPeer("b", options with { Role = RTCIceRole.Controlled });
        await IceTestPeer.ConnectAsync(a, b, trickle: false);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        Assert.Contains(a.Agent.LocalCandidates, c => c.Protocol == RTCIceProtocol.Tcp);
        Assert.Equal(RTCIceProtocol.Udp, a.Agent.GetSelectedCandidatePair()!.Local.Protocol);
        // No UDP↔TCP pairs.
        Assert.All(a.EventsOf<IceCandidatePairAddedEvent>(), e => Assert.Equal(e.Pair.Local.Protocol, e.Pair.Remote.Protocol));
    }

    [Fact]
    public async Task TcpCandidates_WithTcpEnabled_SoAndMissingTcpType_AreRejected()
    {
        await using var a = new IceTestPeer("a", TcpOnly(RTCIceRole.Controlling));
        a.Agent.SetRemoteParameters(RTCIceParameters.Generate());
        a.Agent.AddRemoteCandidate(RTCIceCandidate.Parse("candidate:1 1 tcp 2130706431 127.0.0.1 4000 typ host tcptype so"));
        a.Agent.AddRemoteCandidate(RTCIceCandidate.Parse("candidate:2 1 tcp 2130706431 127.0.0.1 4001 typ host"));
        a.Agent.AddRemoteCandidate(RTCIceCandidate.Parse("candidate:3 1 tcp 2130706431 127.0.0.1 4002 typ host tcptype passive"));
        var diagnostics = await a.Agent.GetDiagnosticsAsync();
        Assert.Equal(2, diagnostics.Problems.Count);
        Assert.Contains(diagnostics.Problems, p => p.Contains("simultaneous-open"));
        Assert.Contains(diagnostics.Problems, p => p.Contains("without a tcptype"));
        Assert.Single(a.Agent.RemoteCandidates);
    }

    [Fact]
    public async Task PeerConnections_TcpOnly_OpenADataChannel_AndGreet()
    {
        var config = PeerTestKit.Loopback(ice => ice with { EnableTcp = true, DisableUdp = true });
        await using var pair = await PeerTestKit.ConnectAsync(offererConfig: config, answererConfig: config);
        pair.OffererChannel.Send("Hello from the Offerer over TCP!");
        pair.AnswererChannel.Send("Hello from the Answerer over TCP!");
        Assert.Equal("Hello from the Offerer over TCP!", await pair.AnswererSink.NextTextAsync());
        Assert.Equal("Hello from the Answerer over TCP!", await pair.OffererSink.NextTextAsync());

        var stats = await pair.Offerer.GetStatsAsync();
        var selected = stats.SelectedCandidatePair!;
        var local = (RTCIceCandidateStats)stats[selected.LocalCandidateId]!;
        Assert.Equal("tcp", local.Protocol, ignoreCase: true);
    }
}

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
    private IceAgentOptions RelayOnly(RTCIceRole role, TurnClientOptions turn) => IceTestPeer.LoopbackOptions(role) with
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

using System.Text.Json;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.InteropPeers;
using WebRtcPS.Engine.Tests.Signaling;
using WebRtcPS.Engine.Tests.Turn;
using WebRtcPS.Signaling.Peers;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Relay;

/// <summary>
/// Relay-only WebRtcPS (SeedPeer, IceTransportPolicy.Relay) against relay-only pion (v3.1.56,
/// -relay-only → ICETransportPolicyRelay) and aiortc (1.4, -relay-only → aioice
/// TransportPolicy.RELAY) through one coturn over TURN UDP and TCP, both roles, through our
/// SignalingServer: the original greetings, and every side uses a relay/relay pair.
/// </summary>
public sealed class RelayInteropTests(CoturnFixture fixture, ITestOutputHelper output) : IClassFixture<CoturnFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [SkippableTheory]
    [InlineData("pion", "udp", true)]
    [InlineData("pion", "udp", false)]
    [InlineData("pion", "tcp", true)]
    [InlineData("pion", "tcp", false)]
    [InlineData("aiortc", "udp", true)]
    [InlineData("aiortc", "udp", false)]
    [InlineData("aiortc", "tcp", true)]
    [InlineData("aiortc", "tcp", false)]
    public async Task RelayOnlyGreetingsWithTheReferencePeer(string kind, string transport, bool weOffer)
    {
        var server = fixture.Require();
        var uri = RelayPeerConnectionTests.UriFor(server, transport);
        await using var harness = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(500));
        string[] turn = ["-relay-only", "-ice-servers", uri.ToString(), "-ice-username", CoturnServer.User, "-ice-password", CoturnServer.Password];
        var role = weOffer ? "answerer" : "offerer";
        await using var peer = kind == "pion"
            ? await PionPeerInteropTests.StartPionAsync(harness.Server, role, turn)
            : await AiortcPeerInteropTests.StartAiortcAsync(harness.Server, role, turn);
        await peer.WaitForEventAsync("ready");

        await using var ours = new SeedPeer(new SeedPeerOptions
        {
            Role = weOffer ? SeedPeerRole.Offerer : SeedPeerRole.Answerer,
            SignalingUri = harness.Server.Url,
            Configuration = RelayPeerConnectionTests.RelayOnly(server, transport),
        });
        try
        {
            await ours.ConnectAsync(Patience);
            Assert.Equal(weOffer ? "Hello from the Answerer!" : "Hello from the Offerer!", ours.RemoteGreeting!.Text);
            var result = await PionPeerInteropTests.ResultAsync(peer);
            Assert.Equal(weOffer ? "Hello from the Offerer!" : "Hello from the Answerer!", result.GetProperty("received").GetString());

            await RelayPeerConnectionTests.AssertRelayPairAsync(ours.Connection!);
            var local = peer.Events("candidate").Where(c => c.GetProperty("source").GetString() == "local").ToArray();
            Assert.NotEmpty(local);
            Assert.All(local, c => Assert.Equal("relay", c.GetProperty("type").GetString()));
            var pair = Assert.Single(peer.Events("selected_pair"));
            Assert.Equal("relay", pair.GetProperty("local").GetProperty("type").GetString());
            Assert.Equal("relay", pair.GetProperty("remote").GetProperty("type").GetString());
            output.WriteLine($"FIGURE {kind} {transport} we {(weOffer ? "offer" : "answer")}: our setup {ours.SetupTime?.TotalMilliseconds:F0} ms, channel open after {ours.OpenedAfter?.TotalMilliseconds:F0} ms (incl. the peer's start)");
        }
        catch (Exception ex) when (ex is not Xunit.SkipException)
        {
            throw new Xunit.Sdk.XunitException($"{ex.GetType().Name}: {ex.Message}\n--- WebRtcPS ---\n{await ours.GetDiagnosticsAsync()}\n--- {peer.Name} ---\n{peer.Transcript()}\n{ex}");
        }
    }
}

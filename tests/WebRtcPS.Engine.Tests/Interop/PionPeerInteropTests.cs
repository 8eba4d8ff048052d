using System.Text.Json;
using WebRtcPS.Engine.Tests.Signaling;
using WebRtcPS.Signaling.Server;

// (Not "...Tests.Interop": that namespace would hide the TestInfrastructure.Interop class in sibling folders.)
namespace WebRtcPS.Engine.Tests.InteropPeers;

/// <summary>
/// Two pion/webrtc v3 peers (tests/interop/pion-peer, the original tool's client re-created)
/// connected through our signaling server, on loopback only.
/// </summary>
public class PionPeerInteropTests
{
    internal static async Task<PeerProcess> StartPionAsync(SignalingServer server, string role, params string[] extra)
    {
        var exe = await GoPrograms.RequireAsync("pion-peer");
        return PeerProcess.Start($"pion {role}", exe,
            ["-role", role, "-signaling-addr", server.Url.AbsoluteUri.TrimEnd('/'), "-loopback-only", "-timeout", "100s", .. extra]);
    }

    /// <summary>The peer's result line; on failure the message carries its transcript and the
    /// <paramref name="others"/>' (the other side of the connection), so a CI failure explains itself.</summary>
    internal static async Task<JsonElement> ResultAsync(PeerProcess peer, params PeerProcess[] others)
    {
        var result = await peer.WaitForEventAsync("result");
        var exit = await peer.WaitForExitAsync();
        Assert.True(result.GetProperty("ok").GetBoolean() && exit == 0,
            $"{peer.Name} failed (exit {exit})\n{peer.Transcript()}{string.Concat(others.Select(o => "\n" + o.Transcript()))}");
        return result;
    }

    internal static void AssertGreetings(PeerProcess offerer, PeerProcess answerer)
    {
        static IEnumerable<string?> Texts(PeerProcess p) =>
            p.Events("message").Select(m => m.TryGetProperty("text", out var t) ? t.GetString() : null);
        Assert.Contains("Hello from the Answerer!", Texts(offerer));
        Assert.Contains("Hello from the Offerer!", Texts(answerer));
    }

    internal static void AssertLoopbackConnection(PeerProcess peer)
    {
        var local = peer.Events("candidate").Where(c => c.GetProperty("source").GetString() == "local").ToArray();
        Assert.NotEmpty(local);
        Assert.All(local, c => Assert.Equal("127.0.0.1", c.GetProperty("address").GetString()));
        var pair = Assert.Single(peer.Events("selected_pair"));
        Assert.Equal("127.0.0.1", pair.GetProperty("remote").GetProperty("address").GetString());
        Assert.Contains(peer.Events("state"), s => s.GetProperty("kind").GetString() == "peer" && s.GetProperty("state").GetString() == "connected");
    }

    [SkippableFact]
    public async Task PionPeersExchangeTheGreetingsThroughOurSignalingServer()
    {
        await using var harness = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(200));
        await using var answerer = await StartPionAsync(harness.Server, "answerer");
        await answerer.WaitForEventAsync("ready");
        await using var offerer = await StartPionAsync(harness.Server, "offerer");

        var offererResult = await ResultAsync(offerer);
        var answererResult = await ResultAsync(answerer);

        Assert.Equal("Hello from the Answerer!", offererResult.GetProperty("received").GetString());
        Assert.Equal("Hello from the Offerer!", answererResult.GetProperty("received").GetString());
        AssertGreetings(offerer, answerer);
        AssertLoopbackConnection(offerer);
        AssertLoopbackConnection(answerer);
        Assert.Equal("testChannel", offerer.Events("channel_open").Single().GetProperty("label").GetString());
        Assert.Equal(0, harness.Server.GetHealth().Counts.BadRequests);
    }

    [SkippableFact]
    public async Task AnOfferQueuedBeforeTheAnswererConnectsStillConnects()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var offerer = await StartPionAsync(harness.Server, "offerer");
        await offerer.WaitForAsync(l => l.GetProperty("event").GetString() == "signal" && l.GetProperty("type").GetString() == "candidate",
            "its first candidate posted");
        await using var answerer = await StartPionAsync(harness.Server, "answerer");

        await ResultAsync(offerer);
        await ResultAsync(answerer);
        AssertGreetings(offerer, answerer);
    }

    [SkippableFact]
    public async Task EchoAndBulkModesWorkBetweenPionPeers()
    {
        await using var harness = await ServerHarness.StartAsync();

        await using (var echo = await StartPionAsync(harness.Server, "answerer", "-mode", "echo", "-id", "echo-a", "-remote-id", "echo-o"))
        {
            await echo.WaitForEventAsync("ready");
            await using var ping = await StartPionAsync(harness.Server, "offerer", "-mode", "ping", "-count", "50", "-msg-size", "1000",
                "-id", "echo-o", "-remote-id", "echo-a");
            var r = await ResultAsync(ping);
            Assert.Equal(50, r.GetProperty("count").GetInt32());
            Assert.True(r.GetProperty("rtt_p50_ms").GetDouble() > 0);
            Assert.Equal(50, (await ResultAsync(echo)).GetProperty("echoed").GetInt32());
        }

        await using var receiver = await StartPionAsync(harness.Server, "answerer", "-mode", "bulk", "-id", "bulk-a", "-remote-id", "bulk-o");
        await receiver.WaitForEventAsync("ready");
        await using var sender = await StartPionAsync(harness.Server, "offerer", "-mode", "bulk", "-bytes", "5000000", "-msg-size", "65535",
            "-id", "bulk-o", "-remote-id", "bulk-a");
        var sent = await ResultAsync(sender);
        var received = await ResultAsync(receiver);
        Assert.Equal(5_000_000, received.GetProperty("bytes").GetInt32());
        Assert.Equal(sent.GetProperty("sha256").GetString(), received.GetProperty("sha256").GetString());
        Assert.True(sent.GetProperty("mbps").GetDouble() > 0);
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using WebRtcPS.Engine.Tests.Peers;
using WebRtcPS.Engine.Tests.Signaling;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;
using WebRtcPS.Signaling.Peers;

// (Not "...Tests.Interop": that namespace would hide the Infrastructure.Interop class in sibling folders.)
namespace WebRtcPS.Engine.Tests.InteropPeers;

/// <summary>
/// Our client and peers against tests/interop/go-signaling-server, the Go net/http baseline of
/// bench/signaling: these tests show it is a faithful stand-in for our server (same protocol, same
/// heartbeats, messages queued for an id that has not connected yet), so the bench compares like
/// with like.
/// </summary>
public class GoSignalingServerInteropTests
{
    /// <summary>A running go-signaling-server; Dispose kills it.</summary>
    private sealed class GoServer : IAsyncDisposable
    {
        private GoServer(PeerProcess process, Uri url)
        {
            Process = process;
            Url = url;
        }

        public PeerProcess Process { get; }
        public Uri Url { get; }
        public HttpClient Http { get; } = new() { Timeout = Timeout.InfiniteTimeSpan };

        public static async Task<GoServer> StartAsync(TimeSpan heartbeat)
        {
            var exe = await GoPrograms.RequireAsync("go-signaling-server");
            var process = PeerProcess.Start("go-signaling-server", exe, ["-heartbeat", $"{heartbeat.TotalMilliseconds}ms"]);
            var ready = await process.WaitForEventAsync("ready", TimeSpan.FromSeconds(30));
            return new GoServer(process, new Uri(ready.GetProperty("url").GetString()! + "/"));
        }

        public async Task<JsonElement> HealthAsync() =>
            JsonDocument.Parse(await Http.GetStringAsync(new Uri(Url, "health"))).RootElement.Clone();

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Process.DisposeAsync();
        }
    }

    // The contents go-signaling uses: characters a re-encoding server must carry faithfully.
    private static string Content(string sender, int i) =>
        $"msg {i} from {sender}: \"quoted\" \\ back\\slash\nnew line\ttab <html>&amp; é € 😀 \u2028";

    private static async Task<List<SignalingMessage>> ReceiveAsync(SignalingClient client, int count, CancellationToken ct)
    {
        var received = new List<SignalingMessage>();
        await foreach (var m in client.ReceiveAsync(ct))
        {
            received.Add(m);
            if (received.Count == count) break;
        }
        return received;
    }

    private static void AssertSequence(List<SignalingMessage> received, string from, string to, int count)
    {
        Assert.Equal(count, received.Count);
        for (var i = 0; i < count; i++)
            Assert.Equal(new SignalingMessage { Type = "candidate", Content = Content(from, i), To = to, From = from }, received[i]);
    }

    [SkippableFact]
    public async Task OurClientsExchangeMessagesInOrderBothWays()
    {
        const int count = 200;
        await using var go = await GoServer.StartAsync(TimeSpan.FromSeconds(10));
        using var a = new SignalingClient(go.Url, "a");
        using var b = new SignalingClient(go.Url, "b");
        using var cts = new CancellationTokenSource(PeerProcess.Patience);
        var receiveA = ReceiveAsync(a, count, cts.Token);
        var receiveB = ReceiveAsync(b, count, cts.Token);
        await Task.WhenAll(
            Task.Run(async () => { for (var i = 0; i < count; i++) await a.SendAsync("b", "candidate", Content("a", i), cts.Token); }),
            Task.Run(async () => { for (var i = 0; i < count; i++) await b.SendAsync("a", "candidate", Content("b", i), cts.Token); }));
        AssertSequence(await receiveA, from: "b", to: "a", count);
        AssertSequence(await receiveB, from: "a", to: "b", count);
        var counts = (await go.HealthAsync()).GetProperty("counts");
        Assert.Equal(2 * count, counts.GetProperty("messagesAccepted").GetInt64());
        Assert.Equal(2 * count, counts.GetProperty("messagesDelivered").GetInt64());
    }

    [SkippableFact]
    public async Task MessagesSentBeforeReceiveOpensAreQueuedAndDelivered()
    {
        const int count = 25;
        await using var go = await GoServer.StartAsync(TimeSpan.FromSeconds(10));
        using var early = new SignalingClient(go.Url, "early");
        using var cts = new CancellationTokenSource(PeerProcess.Patience);
        for (var i = 0; i < count; i++) await early.SendAsync("late", "candidate", Content("early", i), cts.Token);
        var health = await go.HealthAsync();
        Assert.Equal(count, health.GetProperty("queuedMessages").GetInt32());
        Assert.Empty(health.GetProperty("connectedIds").EnumerateArray());

        using var late = new SignalingClient(go.Url, "late");
        AssertSequence(await ReceiveAsync(late, count, cts.Token), from: "early", to: "late", count);
        Assert.Equal(0, (await go.HealthAsync()).GetProperty("queuedMessages").GetInt32());
    }

    [SkippableFact]
    public async Task HeartbeatsAreOursByteForByteAndOurClientIgnoresThem()
    {
        await using var go = await GoServer.StartAsync(TimeSpan.FromMilliseconds(50));
        await using var ours = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(50));
        Assert.Equal(await FirstLineAsync(ours.Http, new Uri(ours.Server.Url, "receive?id=raw")),
            await FirstLineAsync(go.Http, new Uri(go.Url, "receive?id=raw")));

        // Messages spread over several heartbeat intervals: the client yields exactly the messages.
        const int count = 10;
        using var a = new SignalingClient(go.Url, "hb-a");
        using var b = new SignalingClient(go.Url, "hb-b");
        using var cts = new CancellationTokenSource(PeerProcess.Patience);
        var receive = ReceiveAsync(b, count, cts.Token);
        var heartbeatsBefore = (await go.HealthAsync()).GetProperty("counts").GetProperty("heartbeatsSent").GetInt64();
        for (var i = 0; i < count; i++)
        {
            await a.SendAsync("hb-b", "candidate", Content("hb-a", i), cts.Token);
            await Task.Delay(30, cts.Token);
        }
        AssertSequence(await receive, from: "hb-a", to: "hb-b", count);
        var heartbeats = (await go.HealthAsync()).GetProperty("counts").GetProperty("heartbeatsSent").GetInt64();
        Assert.True(heartbeats - heartbeatsBefore >= 3, $"only {heartbeats - heartbeatsBefore} heartbeats while the messages flowed");
    }

    private static async Task<string> FirstLineAsync(HttpClient http, Uri receive)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await http.GetAsync(receive, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);
        return await reader.ReadLineAsync(cts.Token) ?? "";
    }

    [SkippableFact]
    public async Task SeedPeersConnectThroughItAndExchangeTheGreetings()
    {
        await using var go = await GoServer.StartAsync(TimeSpan.FromSeconds(10));
        await using var answerer = new SeedPeer(new SeedPeerOptions { Role = SeedPeerRole.Answerer, SignalingUri = go.Url, Configuration = SeedPeerTests.LoopbackOnly });
        await using var offerer = new SeedPeer(new SeedPeerOptions { Role = SeedPeerRole.Offerer, SignalingUri = go.Url, Configuration = SeedPeerTests.LoopbackOnly });
        var patience = TimeSpan.FromSeconds(30);
        await Task.WhenAll(answerer.ConnectAsync(patience), offerer.ConnectAsync(patience));
        Assert.Equal("Hello from the Answerer!", offerer.RemoteGreeting!.Text);
        Assert.Equal("Hello from the Offerer!", answerer.RemoteGreeting!.Text);
    }

    [SkippableFact]
    public async Task TheGoClientCheckerPassesAgainstIt()
    {
        await using var go = await GoServer.StartAsync(TimeSpan.FromMilliseconds(50));
        var exe = await GoPrograms.RequireAsync("go-signaling");
        string[] Args(string id, string peer) =>
            ["-addr", go.Url.AbsoluteUri.TrimEnd('/'), "-id", id, "-peer", peer, "-count", "100", "-min-heartbeats", "3", "-timeout", "100s"];
        await using var a = PeerProcess.Start("go-signaling a", exe, Args("a", "b"));
        await using var b = PeerProcess.Start("go-signaling b", exe, Args("b", "a"));
        foreach (var checker in new[] { a, b })
        {
            var result = await checker.WaitForEventAsync("result");
            Assert.True(await checker.WaitForExitAsync() == 0 && result.GetProperty("ok").GetBoolean(), checker.Transcript());
        }
    }
}

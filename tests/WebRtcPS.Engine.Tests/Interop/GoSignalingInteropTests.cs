using System.Text.Json;
using WebRtcPS.Engine.Tests.Signaling;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;
using WebRtcPS.Signaling.Server;

// (Not "...Tests.Interop": that namespace would hide the TestInfrastructure.Interop class in sibling folders.)
namespace WebRtcPS.Engine.Tests.InteropPeers;

/// <summary>
/// The signaling server against tests/interop/go-signaling: a client written with Go's standard
/// library exactly as the original tool's (json.Marshal of the message struct to POST /send; a
/// json.NewDecoder loop over GET /receive, heartbeats ignored).
/// </summary>
public class GoSignalingInteropTests
{
    private static async Task<PeerProcess> StartCheckerAsync(SignalingServer server, string id, string peer, int count,
        int minHeartbeats = 0)
    {
        var exe = await GoPrograms.RequireAsync("go-signaling");
        return PeerProcess.Start($"go-signaling {id}", exe,
        [
            "-addr", server.Url.AbsoluteUri.TrimEnd('/'), "-id", id, "-peer", peer, "-count", count.ToString(),
            "-min-heartbeats", minHeartbeats.ToString(), "-timeout", "100s",
        ]);
    }

    private static async Task<JsonElement> SucceedsAsync(PeerProcess checker, int count)
    {
        var result = await checker.WaitForEventAsync("result");
        var exit = await checker.WaitForExitAsync();
        Assert.True(exit == 0 && result.GetProperty("ok").GetBoolean(), checker.Transcript());
        Assert.Equal(count, result.GetProperty("sent").GetInt32());
        Assert.Equal(count, result.GetProperty("received").GetInt32());
        return result;
    }

    [SkippableFact]
    public async Task TwoGoClientsExchangeMessagesInOrderWithExactContents()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var a = await StartCheckerAsync(harness.Server, "go-a", "go-b", 200);
        await using var b = await StartCheckerAsync(harness.Server, "go-b", "go-a", 200);
        await SucceedsAsync(a, 200);
        await SucceedsAsync(b, 200);

        var counts = harness.Server.GetHealth().Counts;
        Assert.Equal(400, counts.MessagesAccepted);
        Assert.Equal(400, counts.MessagesDelivered);
        Assert.Equal(0, counts.BadRequests);
    }

    [SkippableFact]
    public async Task MessagesToAClientNotYetConnectedAreQueuedAndDeliveredWhenItConnects()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var a = await StartCheckerAsync(harness.Server, "early", "late", 25);
        await a.WaitForEventAsync("sent"); // all 25 accepted while "late" has never connected
        var health = harness.Server.GetHealth();
        Assert.DoesNotContain("late", health.ConnectedIds);
        Assert.Equal(25, health.Queues.GetValueOrDefault("late"));

        await using var b = await StartCheckerAsync(harness.Server, "late", "early", 25);
        await SucceedsAsync(b, 25);
        await SucceedsAsync(a, 25);
        Assert.Equal(0, harness.Server.GetHealth().QueuedMessages);
    }

    [SkippableFact]
    public async Task HeartbeatsPassThroughTheGoDecoderUnharmed()
    {
        await using var harness = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(50));
        await using var a = await StartCheckerAsync(harness.Server, "hb-a", "hb-b", 30, minHeartbeats: 10);
        await using var b = await StartCheckerAsync(harness.Server, "hb-b", "hb-a", 30, minHeartbeats: 10);
        var ra = await SucceedsAsync(a, 30);
        var rb = await SucceedsAsync(b, 30);
        Assert.True(ra.GetProperty("heartbeats").GetInt32() >= 10);
        Assert.True(rb.GetProperty("heartbeats").GetInt32() >= 10);
        Assert.True(harness.Server.GetHealth().Counts.HeartbeatsSent >= 20);
    }

    [SkippableFact]
    public async Task TheEngineClientAndTheGoClientUnderstandEachOther()
    {
        const int count = 20;
        await using var harness = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100));
        await using var go = await StartCheckerAsync(harness.Server, "go", "dotnet", count);
        using var client = new SignalingClient(harness.Server.Url, "dotnet");
        using var cts = new CancellationTokenSource(PeerProcess.Patience);

        // The same contents the Go checker sends and expects (see go-signaling/main.go).
        static string Content(string sender, int i) =>
            $"msg {i} from {sender}: \"quoted\" \\ back\\slash\nnew line\ttab <html>&amp; é € 😀 \u2028";

        for (var i = 0; i < count; i++)
            await client.SendAsync("go", "candidate", Content("dotnet", i), cts.Token);
        var received = new List<SignalingMessage>();
        await foreach (var m in client.ReceiveAsync(cts.Token))
        {
            received.Add(m);
            if (received.Count == count) break;
        }
        for (var i = 0; i < count; i++)
            Assert.Equal(new SignalingMessage { Type = "candidate", Content = Content("go", i), To = "dotnet", From = "go" }, received[i]);
        await SucceedsAsync(go, count);
    }
}

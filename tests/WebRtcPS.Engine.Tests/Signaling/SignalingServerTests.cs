using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;

namespace WebRtcPS.Engine.Tests.Signaling;

public class SignalingServerTests
{
    private static async Task<JsonElement> HealthAsync(ServerHarness h)
    {
        using var response = await h.Http.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ServerHarness.JsonAsync(response);
    }

    [Fact]
    public async Task PortZeroBindsAFreePortAndReportsIt()
    {
        await using var h = await ServerHarness.StartAsync();
        Assert.NotEqual(0, h.Server.Port);
        Assert.Equal($"http://127.0.0.1:{h.Server.Port}/", h.Server.Url.ToString());
        Assert.True(h.Server.IsRunning);
    }

    [Fact]
    public async Task MessagesForAnAbsentIdAreQueuedAndDeliveredInOrder()
    {
        await using var h = await ServerHarness.StartAsync();
        for (var i = 0; i < 5; i++) await h.SendOkAsync("candidate", "offer-peer-1", "answer-peer-1", $"c{i}");
        var health = await HealthAsync(h);
        Assert.Equal(5, health.GetProperty("queuedMessages").GetInt32());

        await using var stream = await h.OpenResponseAsync("answer-peer-1");
        for (var i = 0; i < 5; i++)
        {
            var m = await stream.NextAsync();
            Assert.Equal(("candidate", $"c{i}", "offer-peer-1", "answer-peer-1"), (m.Type, m.Content, m.From, m.To));
        }
        await h.SendOkAsync("answer", "offer-peer-1", "answer-peer-1", "live");
        Assert.Equal("live", (await stream.NextAsync()).Content);
    }

    [Fact]
    public async Task HeartbeatsArriveAtTheConfiguredInterval()
    {
        await using var h = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(200));
        // Timed from before the stream opens: a client slowed by load only makes a heartbeat
        // arrive later, never earlier, so the bound below holds on any machine (gaps between
        // arrivals do not: a late read makes the next gap short).
        var clock = Stopwatch.StartNew();
        await using var stream = await h.OpenResponseAsync("idle");
        var times = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            var m = await stream.NextAsync(includeHeartbeats: true);
            Assert.True(m.IsHeartbeat);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        // The k-th heartbeat (k from 1) is sent no sooner than k intervals after the stream opened
        // (less timer slack): the server never sends faster than configured.
        for (var i = 0; i < times.Count; i++) Assert.True(times[i] >= (i + 1) * 200 - 50, $"heartbeat {i + 1} at {times[i]:0} ms");
    }

    [Fact]
    public async Task ASecondReceiveTakesOverWithoutLossOrDuplication()
    {
        await using var h = await ServerHarness.StartAsync();
        var first = await h.OpenResponseAsync("x");
        await h.SendOkAsync("offer", "a", "x", "m1");
        Assert.Equal("m1", (await first.NextAsync()).Content);

        await using var second = await h.OpenResponseAsync("x");
        await first.Ended.WaitAsync(ServerHarness.Patience); // the old stream is ended by the server
        await h.SendOkAsync("candidate", "a", "x", "m2");
        Assert.Equal("m2", (await second.NextAsync()).Content);
        Assert.Empty(first.Drain());
        Assert.Empty(second.Drain());
        await first.DisposeAsync();

        var health = await HealthAsync(h);
        Assert.Equal(1, health.GetProperty("counts").GetProperty("streamsReplaced").GetInt64());
        Assert.Equal(["x"], health.GetProperty("connectedIds").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task AClientThatDisconnectsLosesNothingQueuedAfter()
    {
        await using var h = await ServerHarness.StartAsync();
        var stream = await h.OpenResponseAsync("y");
        await Poll.UntilAsync(async () => (await HealthAsync(h)).GetProperty("connectedIds").GetArrayLength() == 1, ServerHarness.Patience, "y to connect");
        await stream.DisposeAsync();
        await Poll.UntilAsync(async () => (await HealthAsync(h)).GetProperty("connectedIds").GetArrayLength() == 0, ServerHarness.Patience, "y to disconnect");

        await h.SendOkAsync("offer", "a", "y", "while-away");
        await using var again = await h.OpenResponseAsync("y");
        Assert.Equal("while-away", (await again.NextAsync()).Content);
    }

    [Fact]
    public async Task AFullQueueAnswers429AndKeepsWhatItHas()
    {
        await using var h = await ServerHarness.StartAsync(o => o.MaxQueuedMessagesPerId = 3);
        for (var i = 0; i < 3; i++) await h.SendOkAsync("candidate", "a", "z", $"{i}");
        using var refused = await h.PostAsync("candidate", "a", "z", "3");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var error = await ServerHarness.JsonAsync(refused);
        Assert.Contains("full", error.GetProperty("error").GetString());
        Assert.Equal("z", error.GetProperty("to").GetString());

        await using var stream = await h.OpenResponseAsync("z");
        for (var i = 0; i < 3; i++) Assert.Equal($"{i}", (await stream.NextAsync()).Content);
        await h.SendOkAsync("candidate", "a", "z", "after"); // room again once delivered
        Assert.Equal("after", (await stream.NextAsync()).Content);
    }

    [Fact]
    public async Task TheQueueIsAlsoBoundedInBytes()
    {
        await using var h = await ServerHarness.StartAsync(o => o.MaxQueuedBytesPerId = 1000);
        await h.SendOkAsync("offer", "a", "b", new string('x', 600));
        using var refused = await h.PostAsync("offer", "a", "b", new string('y', 600));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }

    [Fact]
    public async Task UncollectedMessagesExpire()
    {
        await using var h = await ServerHarness.StartAsync(o => o.QueuedMessageLifetime = TimeSpan.FromMilliseconds(300));
        await h.SendOkAsync("offer", "a", "ghost", "sdp");
        await Poll.UntilAsync(async () => (await HealthAsync(h)).GetProperty("counts").GetProperty("messagesExpired").GetInt64() == 1,
            ServerHarness.Patience, "the message to expire");
        Assert.Equal(0, (await HealthAsync(h)).GetProperty("queuedMessages").GetInt32());
    }

    [Fact]
    public async Task TooLargeBodiesGet413()
    {
        await using var h = await ServerHarness.StartAsync(o => o.MaxMessageBytes = 1024);
        using var response = await h.PostAsync("offer", "a", "b", new string('x', 2000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger", (await ServerHarness.JsonAsync(response)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("{oops", null)]
    [InlineData("{\"type\":\"offer\",\"content\":\"x\"}", "to")]
    [InlineData("{\"to\":\"b\"}", "type")]
    [InlineData("[]", null)]
    public async Task BadBodiesGet400NamingTheField(string body, string? field)
    {
        await using var h = await ServerHarness.StartAsync();
        using var response = await h.PostRawAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await ServerHarness.JsonAsync(response);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("error").GetString()));
        if (field is null) Assert.False(json.TryGetProperty("field", out _));
        else Assert.Equal(field, json.GetProperty("field").GetString());
    }

    [Fact]
    public async Task ReceiveWithoutIdGets400()
    {
        await using var h = await ServerHarness.StartAsync();
        using var response = await h.Http.GetAsync("receive");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("id", (await ServerHarness.JsonAsync(response)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task WrongMethodGets405()
    {
        await using var h = await ServerHarness.StartAsync();
        using var response = await h.Http.GetAsync("send");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task HealthReportsUptimeConnectionsQueuesAndCounts()
    {
        await using var h = await ServerHarness.StartAsync();
        await using var stream = await h.OpenResponseAsync("watcher");
        await h.SendOkAsync("offer", "a", "someone", "x");
        await h.SendOkAsync("offer", "a", "watcher", "y");
        await stream.NextAsync();
        var health = await HealthAsync(h);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("uptimeSeconds").GetDouble() >= 0);
        Assert.Equal(1, health.GetProperty("queues").GetProperty("someone").GetInt32());
        var counts = health.GetProperty("counts");
        Assert.Equal(2, counts.GetProperty("messagesAccepted").GetInt64());
        Assert.Equal(1, counts.GetProperty("messagesDelivered").GetInt64());
    }

    [Fact]
    public async Task HundredPairsExchangeHundredMessagesEachWithoutLossDuplicationOrMisdelivery()
    {
        const int pairs = 100, perPeer = 100;
        await using var h = await ServerHarness.StartAsync();
        var received = new ConcurrentDictionary<string, List<SignalingMessage>>();

        async Task Peer(string self, string other)
        {
            using var client = new SignalingClient(h.Server.Url, self, httpClient: h.Http);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var inbox = new List<SignalingMessage>();
            var reading = Task.Run(async () =>
            {
                await foreach (var m in client.ReceiveAsync(cts.Token))
                {
                    inbox.Add(m);
                    if (inbox.Count == perPeer) return;
                }
            });
            for (var i = 0; i < perPeer; i++) await client.SendAsync(other, "candidate", $"{self}#{i}", cts.Token);
            await reading;
            received[self] = inbox;
        }

        await Task.WhenAll(Enumerable.Range(0, pairs).SelectMany(p => new[]
        {
            Task.Run(() => Peer($"o{p}", $"a{p}")),
            Task.Run(() => Peer($"a{p}", $"o{p}")),
        }));

        Assert.Equal(2 * pairs, received.Count);
        foreach (var (self, inbox) in received)
        {
            var other = (self[0] == 'o' ? "a" : "o") + self[1..];
            Assert.Equal(Enumerable.Range(0, perPeer).Select(i => $"{other}#{i}"), inbox.Select(m => m.Content));
            Assert.All(inbox, m => Assert.Equal((other, self), (m.From, m.To)));
        }
        var counts = (await HealthAsync(h)).GetProperty("counts");
        Assert.Equal(2L * pairs * perPeer, counts.GetProperty("messagesDelivered").GetInt64());
    }

    [Fact]
    public async Task StopEndsOpenStreamsAndIsIdempotent()
    {
        var h = await ServerHarness.StartAsync();
        var stream = await h.OpenResponseAsync("q");
        await h.Server.StopAsync();
        await h.Server.StopAsync();
        Assert.False(h.Server.IsRunning);
        await Assert.ThrowsAnyAsync<Exception>(() => stream.Ended.WaitAsync(ServerHarness.Patience))
            .ContinueWith(_ => { }); // ended either cleanly or with a reset: both are an end
        Assert.True(stream.Ended.IsCompleted);
        await stream.DisposeAsync();
        await h.DisposeAsync();
    }
}

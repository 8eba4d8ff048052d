using System.Net;
using System.Net.Http.Json;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Server;
using WebRtcPS.Signaling.Server.Redis;
using WebRtcPS.Engine.Tests.TestInfrastructure;

namespace WebRtcPS.Engine.Tests.Signaling.Redis;

/// <summary>
/// Several server instances sharing their mailboxes through a real redis-server (issue 17): delivery
/// across instances in order and exactly once, takeover across instances, an instance restarted and
/// Redis restarted mid-run without losing what /send accepted.
/// </summary>
[Collection("Redis")]
public sealed class RedisStoreTests
{
    private static async Task<ServerHarness> InstanceAsync(RedisServerProcess redis, Action<SignalingServerOptions>? configure = null)
    {
        var server = await ServerHarness.StartAsync(o =>
        {
            o.Redis = redis.Endpoint;
            o.HeartbeatInterval = TimeSpan.FromSeconds(2);
            configure?.Invoke(o);
        });
        // The server starts without waiting for Redis; on a loaded machine the connection may lag.
        await Poll.UntilAsync(async () => (await server.Server.GetHealthAsync()).Redis!.Connected, ServerHarness.Patience, "the instance to reach Redis");
        return server;
    }

    [SkippableFact]
    public async Task HundredPairsSplitAcrossTwoInstancesGetEveryMessageOnceInOrder()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var a = await InstanceAsync(redis);
        await using var b = await InstanceAsync(redis);
        const int pairs = 100, messages = 100;

        // Peer "x{i}" reads and sends through instance A, its partner "y{i}" through B.
        var streams = new Dictionary<string, ReceiveStream>();
        for (var i = 0; i < pairs; i++)
        {
            streams[$"x{i}"] = await a.OpenResponseAsync($"x{i}");
            streams[$"y{i}"] = await b.OpenResponseAsync($"y{i}");
        }
        try
        {
            var senders = Enumerable.Range(0, pairs).SelectMany(i => new[]
            {
                SendSequenceAsync(a, $"x{i}", $"y{i}", messages),
                SendSequenceAsync(b, $"y{i}", $"x{i}", messages),
            });
            await Task.WhenAll(senders);

            foreach (var (id, stream) in streams)
            {
                var partner = id[0] == 'x' ? "y" + id[1..] : "x" + id[1..];
                for (var seq = 0; seq < messages; seq++)
                {
                    var m = await stream.NextAsync();
                    Assert.Equal(partner, m.From);
                    Assert.Equal(id, m.To);
                    Assert.Equal(seq.ToString(), m.Content);
                }
            }
            await Task.Delay(300);
            Assert.All(streams.Values, s => Assert.Empty(s.Drain())); // nothing twice
            var health = await a.Server.GetHealthAsync();
            Assert.Equal(0, health.QueuedMessages);
            Assert.True(health.Redis!.Connected);
        }
        finally
        {
            foreach (var s in streams.Values) await s.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task ANewerReceiveOnAnotherInstanceTakesOverWithNothingLostOrDuplicated()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var a = await InstanceAsync(redis);
        await using var b = await InstanceAsync(redis);
        const int total = 200;

        var first = await a.OpenResponseAsync("t");
        var sending = SendSequenceAsync(b, "s", "t", total, pause: TimeSpan.FromMilliseconds(2));
        var got = new List<string>();
        while (got.Count < 40) got.Add((await first.NextAsync()).Content);

        await using var second = await b.OpenResponseAsync("t");
        got.AddRange(await ReadToEndAsync(first)); // the older stream ends
        await first.DisposeAsync();
        await sending;
        while (got.Count < total) got.Add((await second.NextAsync()).Content);
        await Task.Delay(300);
        Assert.Empty(second.Drain());
        Assert.Equal(Enumerable.Range(0, total).Select(i => i.ToString()), got);
        await Poll.UntilAsync(async () => (await a.Server.GetHealthAsync()).Counts.StreamsReplaced == 1, ServerHarness.Patience, "A to count the replaced stream");
    }

    [SkippableFact]
    public async Task AnInstanceStoppedAndRestartedMidRunLosesNothingAccepted()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var b = await InstanceAsync(redis);
        var a = await InstanceAsync(redis);
        const int ids = 20, messages = 60;

        var got = Enumerable.Range(0, ids).ToDictionary(i => $"r{i}", _ => new List<string>());
        var first = new Dictionary<string, ReceiveStream>();
        using var clientOfA = new HttpClient { BaseAddress = a.Server.Url, Timeout = Timeout.InfiniteTimeSpan }; // outlives A
        foreach (var id in got.Keys)
        {
            var response = await clientOfA.GetAsync($"receive?id={id}", HttpCompletionOption.ResponseHeadersRead);
            first[id] = new ReceiveStream(response, await response.Content.ReadAsStreamAsync());
        }
        var sending = Task.WhenAll(got.Keys.Select(id => SendSequenceAsync(b, "s-" + id, id, messages, pause: TimeSpan.FromMilliseconds(5))));

        await Task.Delay(150); // mid-run: some delivered by A, more to come
        await a.DisposeAsync(); // every stream of A ends; messages sent meanwhile wait in Redis
        foreach (var (id, stream) in first)
        {
            got[id].AddRange(await ReadToEndAsync(stream));
            await stream.DisposeAsync();
        }
        await using var again = await InstanceAsync(redis);
        var second = new Dictionary<string, ReceiveStream>();
        foreach (var id in got.Keys) second[id] = await again.OpenResponseAsync(id);
        try
        {
            await sending;
            foreach (var (id, stream) in second)
                while (got[id].Count < messages) got[id].Add((await stream.NextAsync()).Content);
            await Task.Delay(300);
            foreach (var (id, stream) in second)
            {
                Assert.Empty(stream.Drain());
                Assert.Equal(Enumerable.Range(0, messages).Select(i => i.ToString()), got[id]);
            }
        }
        finally
        {
            foreach (var s in second.Values) await s.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task RedisRestartedSendAnswers503MeanwhileAndTheServerRecoversWithNothingLost()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var a = await InstanceAsync(redis);
        await using var b = await InstanceAsync(redis);
        for (var i = 0; i < 5; i++) await a.SendOkAsync("candidate", "s", "r", i.ToString());

        await redis.KillAsync();
        using (var refused = await b.PostAsync("candidate", "s", "r", "lost"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("Redis", (await ServerHarness.JsonAsync(refused)).GetProperty("error").GetString());
        }
        using (var health = await a.Http.GetAsync("health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            var json = await ServerHarness.JsonAsync(health);
            Assert.Equal("degraded", json.GetProperty("status").GetString());
            Assert.False(json.GetProperty("redis").GetProperty("connected").GetBoolean());
        }
        var stream = await a.OpenResponseAsync("r"); // opened while Redis is down: waits on heartbeats

        await redis.StartAgainAsync();
        var next = 5;
        var deadline = DateTime.UtcNow + ServerHarness.Patience;
        while (next < 8)
        {
            using var response = await b.PostAsync("candidate", "s", "r", next.ToString());
            if (response.StatusCode == HttpStatusCode.OK) next++;
            else if (DateTime.UtcNow > deadline) Assert.Fail($"no recovery: {response.StatusCode}");
            else await Task.Delay(100);
        }
        await using (stream)
        {
            for (var i = 0; i < next; i++) Assert.Equal(i.ToString(), (await stream.NextAsync()).Content);
            await Task.Delay(300);
            Assert.Empty(stream.Drain());
        }
        using var healthy = await a.Http.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [SkippableFact]
    public async Task PerIdBoundsHoldAcrossInstances()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var a = await InstanceAsync(redis, o => o.MaxQueuedMessagesPerId = 3);
        await using var b = await InstanceAsync(redis, o => o.MaxQueuedMessagesPerId = 3);
        await a.SendOkAsync("candidate", "s", "q", "0");
        await b.SendOkAsync("candidate", "s", "q", "1");
        await a.SendOkAsync("candidate", "s", "q", "2");
        using var full = await b.PostAsync("candidate", "s", "q", "3");
        Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
        var health = await b.Server.GetHealthAsync();
        Assert.Equal(3, health.Queues["q"]);
    }

    [SkippableFact]
    public async Task IdsNobodyReadsGetAtMostHalfOfTheQueuedBytesAcrossInstances()
    {
        const long max = 40_000;
        await using var redis = await RedisServerProcess.StartAsync();
        void Limits(SignalingServerOptions o)
        {
            o.MaxQueuedBytes = max;
            o.MaxMessageBytes = 4096;
        }
        await using var a = await InstanceAsync(redis, Limits);
        await using var b = await InstanceAsync(redis, Limits);
        await using var reader = await b.OpenResponseAsync("c");
        var content = new string('p', 1000);

        // Invented ids through both instances, until the parked half is full.
        var sent = 0;
        while (true)
        {
            using var response = await (sent % 2 == 0 ? a : b).PostAsync("candidate", "s", $"nobody{sent}", content);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.Contains("half of it for ids nobody reads", (await ServerHarness.JsonAsync(response)).GetProperty("error").GetString());
                break;
            }
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(++sent < 100, "the parked half should have filled");
        }
        var health = await a.Server.GetHealthAsync();
        Assert.InRange(health.QueuedBytes, max / 2 - 1100, max / 2);
        using (var refused = await a.PostAsync("candidate", "s", "nobody-else", content))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);

        // The id being read, on either instance, still gets through the other half.
        for (var i = 0; i < 10; i++) await (i % 2 == 0 ? a : b).SendOkAsync("candidate", "s", "c", i.ToString());
        for (var i = 0; i < 10; i++) Assert.Equal(i.ToString(), (await reader.NextAsync()).Content);

        // Its reader gone, its queued bytes are parked too: the half is full, so it is refused like any absent id.
        await reader.DisposeAsync();
        await Poll.UntilAsync(async () => !(await b.Server.GetHealthAsync()).ConnectedIds.Contains("c"), ServerHarness.Patience, "B to let 'c' go");
        using (var parked = await a.PostAsync("candidate", "s", "c", content))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, parked.StatusCode);
    }

    [SkippableFact]
    public async Task ASendRedisDidNotAnswerInTimeIsA503ThatSaysItMayHaveBeenStored()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var a = await ServerHarness.StartAsync(o =>
        {
            o.Redis = redis.Endpoint + ",asyncTimeout=300";
            o.HeartbeatInterval = TimeSpan.FromSeconds(2);
        });
        await Poll.UntilAsync(async () => (await a.Server.GetHealthAsync()).Redis!.Connected, ServerHarness.Patience, "the instance to reach Redis");
        await using var reader = await a.OpenResponseAsync("r");
        using var mux = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Endpoint + ",asyncTimeout=20000");

        // A script that keeps Redis busy for 3 s: the /send's script waits behind it, past the instance's
        // timeout, and runs once Redis is free again.
        string? unknown = null;
        for (var attempt = 0; attempt < 3 && unknown is null; attempt++)
        {
            var busy = mux.GetDatabase().ScriptEvaluateAsync("""
                local t = redis.call('TIME')
                local from = t[1] * 1000000 + t[2]
                while true do
                  local n = redis.call('TIME')
                  if n[1] * 1000000 + n[2] - from > 3000000 then return 1 end
                end
                """);
            await Task.Delay(300);
            using var response = await a.PostAsync("candidate", "s", "r", $"attempt {attempt}");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.Contains("may have been stored", (await ServerHarness.JsonAsync(response)).GetProperty("error").GetString());
                unknown = $"attempt {attempt}";
            }
            await busy;
        }
        Assert.NotNull(unknown);
        var got = new List<string>();
        while (!got.Contains(unknown)) got.Add((await reader.NextAsync()).Content); // stored after all: the 503 could not say it was not
    }

    [Theory]
    [InlineData("127.0.0.1:6400", "127.0.0.1:6400", null, false)]
    [InlineData("cache.example:6380,password=pw,ssl=true", "cache.example:6380", "pw", true)]
    [InlineData("rediss://:pw@cache.example:6390", "cache.example:6390", "pw", true)]
    [InlineData("redis://user:pw@127.0.0.1", "127.0.0.1:6379", "pw", false)]
    public void TheRedisOptionTakesHostPortAConfigurationStringOrAUri(string value, string endpoint, string? password, bool tls)
    {
        var options = RedisConfiguration.Parse(value);
        Assert.StartsWith(endpoint, RedisConfiguration.Describe(options));
        Assert.Equal(password, options.Password);
        Assert.Equal(tls, options.Ssl);
        Assert.DoesNotContain("pw", RedisConfiguration.Describe(options));
    }

    /// <summary>Every message up to the end of the stream (the server ended it).</summary>
    private static async Task<List<string>> ReadToEndAsync(ReceiveStream stream)
    {
        var contents = new List<string>();
        while (true)
        {
            try
            {
                contents.Add((await stream.NextAsync()).Content);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return contents; // closed (the pump completes the queue, with the reader's error if any)
            }
        }
    }

    private static async Task SendSequenceAsync(ServerHarness server, string from, string to, int count, TimeSpan pause = default)
    {
        for (var seq = 0; seq < count; seq++)
        {
            using var response = await server.Http.PostAsJsonAsync("send", new SignalingMessage { Type = "candidate", From = from, To = to, Content = seq.ToString() });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (pause > TimeSpan.Zero) await Task.Delay(pause);
        }
    }
}

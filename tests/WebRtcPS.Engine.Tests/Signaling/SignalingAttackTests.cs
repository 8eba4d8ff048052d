using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using WebRtcPS.Engine.Tests.TestInfrastructure;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Engine.Tests.Signaling;

/// <summary>
/// Each attack on a public signaling server, tried for real over loopback: it is refused, and a
/// legitimate pair keeps exchanging messages through it with nothing lost or reordered.
/// </summary>
public class SignalingAttackTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Bob reads /receive; <see cref="SendAndCheckAsync"/> posts from alice and checks every message arrives, in order.</summary>
    private sealed class LegitimatePair(ServerHarness h, ReceiveStream bob) : IAsyncDisposable
    {
        private int _sent;

        public static async Task<LegitimatePair> StartAsync(ServerHarness h) => new(h, await h.OpenResponseAsync("bob"));

        public async Task SendAndCheckAsync(int count, HttpClient? from = null)
        {
            for (var i = 0; i < count; i++)
            {
                var content = $"m{_sent++}";
                using var response = await (from ?? h.Http).PostAsJsonAsync("send",
                    new SignalingMessage { Type = "candidate", From = "alice", To = "bob", Content = content });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(content, (await bob.NextAsync()).Content);
            }
        }

        public ValueTask DisposeAsync() => bob.DisposeAsync();
    }

    private static async Task<(int Status, string Error)> PostAsync(HttpClient http, string to, string content)
    {
        using var response = await http.PostAsJsonAsync("send", new SignalingMessage { Type = "offer", From = "attacker", To = to, Content = content });
        if (response.StatusCode == HttpStatusCode.OK) return (200, "");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return ((int)response.StatusCode, (await ServerHarness.JsonAsync(response)).GetProperty("error").GetString()!);
    }

    [Fact]
    public async Task TwentyThousandInventedIdsOf16KiBAreCappedAtTheDefaults()
    {
        // The attack, against the default limits (the per-address rate limit exempts loopback by default).
        await using var h = await ServerHarness.StartAsync();
        var options = h.Server.Options;
        await using var pair = await LegitimatePair.StartAsync(h);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var payload = new string('x', 16 * 1024);
        var accepted = 0;
        var refused = 0;
        var next = -1;
        var flood = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < 20_000)
            {
                var (status, error) = await PostAsync(h.Http, $"invented-{i}", payload);
                if (status == 200) Interlocked.Increment(ref accepted);
                else
                {
                    Assert.Equal(503, status);
                    Assert.Contains("queues are full", error);
                    Interlocked.Increment(ref refused);
                }
            }
        })).ToArray();
        while (!flood.All(t => t.IsCompleted)) await pair.SendAndCheckAsync(5); // legitimate traffic all along
        await Task.WhenAll(flood);
        await pair.SendAndCheckAsync(20);

        var health = h.Server.GetHealth();
        Assert.Equal(20_000, accepted + refused);
        Assert.True(refused > 15_000, $"refused {refused}");
        Assert.InRange(health.QueuedBytes, 1, options.MaxQueuedBytes / 2);
        Assert.InRange(health.Ids, 1, accepted + 1); // no empty mailbox left by a refusal (+1: bob)
        Assert.Equal(accepted, health.QueuedMessages);
        // What the server holds is bounded by the budget (32 MiB parked), not by the attack (329 MB before these limits).
        var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        output.WriteLine($"accepted {accepted}, refused {refused}, queued {health.QueuedBytes / 1048576.0:F1} MiB, ids {health.Ids}, " +
                         $"GC heap +{heapGrowth / 1048576.0:F1} MiB, working set {Environment.WorkingSet / 1048576.0:F0} MiB");
        Assert.True(heapGrowth < 3 * options.MaxQueuedBytes, $"GC heap grew {heapGrowth} bytes");
    }

    [Fact]
    public async Task NewIdsBeyondTheLimitAreRefusedButConnectedAndNewlyConnectingIdsFlow()
    {
        await using var h = await ServerHarness.StartAsync(o => o.MaxIds = 50);
        await using var pair = await LegitimatePair.StartAsync(h);
        var statuses = new List<int>();
        for (var i = 0; i < 120; i++) statuses.Add((await PostAsync(h.Http, $"invented-{i}", "x")).Status);
        Assert.Equal(49, statuses.Count(s => s == 200)); // bob holds the 50th
        Assert.All(statuses.Skip(49), s => Assert.Equal(503, s));
        await pair.SendAndCheckAsync(10);

        // A peer that opens /receive first still gets its id, beyond the limit.
        await using var carol = await h.OpenResponseAsync("carol");
        await h.SendOkAsync("offer", "alice", "carol", "welcome");
        Assert.Equal("welcome", (await carol.NextAsync()).Content);
    }

    [Fact]
    public async Task ABytesFloodToAbsentIdsLeavesRoomForConnectedOnes()
    {
        await using var h = await ServerHarness.StartAsync(o =>
        {
            o.MaxQueuedBytes = 1024 * 1024;
            o.MaxMessageBytes = 64 * 1024;
        });
        await using var pair = await LegitimatePair.StartAsync(h);
        var big = new string('y', 60 * 1024);
        var statuses = new List<int>();
        for (var i = 0; i < 40; i++) statuses.Add((await PostAsync(h.Http, $"absent-{i % 4}", big)).Status);
        Assert.Contains(503, statuses);
        Assert.InRange(h.Server.GetHealth().QueuedBytes, 1, 512 * 1024);
        await pair.SendAndCheckAsync(50);
    }

    [Theory]
    [InlineData(257, "to")]
    [InlineData(0, "to")]
    public async Task OversizedOrEmptyIdsAreRefused(int length, string field)
    {
        await using var h = await ServerHarness.StartAsync();
        using var response = await h.PostAsync("offer", "a", new string('i', length));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await ServerHarness.JsonAsync(response)).GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("bob\nFAKE LOG LINE")]
    [InlineData("bob\u202Eevil")] // right-to-left override
    [InlineData("bo b")]
    [InlineData("\u0000")]
    public async Task IdsWithControlFormatOrSpaceCharactersAreRefused(string id)
    {
        await using var h = await ServerHarness.StartAsync();
        await using var pair = await LegitimatePair.StartAsync(h);
        using (var send = await h.PostAsync("offer", "a", id))
        {
            Assert.Equal(HttpStatusCode.BadRequest, send.StatusCode);
            Assert.Contains("character", (await ServerHarness.JsonAsync(send)).GetProperty("error").GetString());
        }
        using (var from = await h.PostAsync("offer", id, "bob"))
            Assert.Equal(HttpStatusCode.BadRequest, from.StatusCode);
        using (var receive = await h.Http.GetAsync($"receive?id={Uri.EscapeDataString(id)}"))
            Assert.Equal(HttpStatusCode.BadRequest, receive.StatusCode);
        using (var tooLong = await h.Http.GetAsync($"receive?id={new string('r', 300)}"))
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        await pair.SendAndCheckAsync(5);
        // Ids from other scripts are fine.
        await h.SendOkAsync("offer", "a", "пир-1_ü@例");
    }

    [Fact]
    public async Task OversizedBodiesAndHeadersAreRefused()
    {
        await using var h = await ServerHarness.StartAsync(o => o.MaxMessageBytes = 4096);
        await using var pair = await LegitimatePair.StartAsync(h);
        var (status, _) = await PostAsync(h.Http, "bob", new string('z', 8000));
        Assert.Equal(413, status);

        using var headers = new HttpRequestMessage(HttpMethod.Get, "health");
        headers.Headers.Add("X-Padding", new string('p', 20 * 1024));
        using (var response = await h.Http.SendAsync(headers))
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        await pair.SendAndCheckAsync(5);
    }

    [Fact]
    public async Task SlowHeadersAreCutOffWhileOthersAreServed()
    {
        await using var h = await ServerHarness.StartAsync(o => o.RequestHeadersTimeout = TimeSpan.FromSeconds(1));
        await using var pair = await LegitimatePair.StartAsync(h);
        var slow = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, h.Server.Port);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: x\r\n"));
                slow.Add(client);
            }
            var dribble = Task.Run(async () =>
            {
                // A slowloris: one header byte per 200 ms on every connection until the server closes them.
                var closed = new bool[slow.Count];
                for (var round = 0; round < 50 && !closed.All(c => c); round++)
                {
                    for (var i = 0; i < slow.Count; i++)
                    {
                        if (closed[i]) continue;
                        try
                        {
                            await slow[i].GetStream().WriteAsync("X"u8.ToArray());
                            if (slow[i].Available > 0 || (slow[i].Client.Poll(0, SelectMode.SelectRead) && slow[i].Available == 0)) closed[i] = true;
                        }
                        catch (IOException)
                        {
                            closed[i] = true;
                        }
                    }
                    await Task.Delay(200);
                }
                return closed.Count(c => c);
            });
            await pair.SendAndCheckAsync(20);
            Assert.Equal(20, await dribble.WaitAsync(TimeSpan.FromSeconds(30)));
            await pair.SendAndCheckAsync(5);
        }
        finally
        {
            foreach (var c in slow) c.Dispose();
        }
    }

    [Fact]
    public async Task ARequestFloodFromOneAddressIsRateLimitedWhileAnotherAddressFlows()
    {
        await using var h = await ServerHarness.StartAsync(o =>
        {
            o.RateLimitLoopback = true;
            o.RequestsPerSecondPerAddress = 20;
            o.RequestBurstPerAddress = 20;
        });
        // The legitimate side speaks from 127.0.0.2 (Linux routes all of 127/8 to loopback).
        using var other = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = h.Server.Url };
        var response = await other.GetAsync($"receive?id=bob", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var pair = new LegitimatePair(h, new ReceiveStream(response, await response.Content.ReadAsStreamAsync()));

        var statuses = new List<int>();
        var flood = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 200; i++) statuses.Add((await PostAsync(h.Http, "victim", $"{i}")).Status); // from 127.0.0.1
        // The burst, plus 20 for each second the flood took (usually well under one; more on a loaded machine).
        Assert.InRange(statuses.Count(s => s == 200), 20, 20 * (1 + (int)Math.Ceiling(flood.Elapsed.TotalSeconds)));
        Assert.Contains(429, statuses);
        // Every other endpoint is limited too. The bucket gets its 20 tokens back each second: when
        // that falls between the flood's last request and this one (a loaded machine), the bucket
        // is drained again and the request repeated.
        var limited = await h.Http.GetAsync("health");
        for (var attempt = 1; attempt < 5 && limited.StatusCode == HttpStatusCode.OK; attempt++)
        {
            limited.Dispose();
            for (var drain = 0; drain <= 40 && (await PostAsync(h.Http, "victim", "drain")).Status != 429; drain++) { }
            limited = await h.Http.GetAsync("health");
        }
        using (limited)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.True(limited.Headers.RetryAfter is not null);
            Assert.Contains("requests per second", (await ServerHarness.JsonAsync(limited)).GetProperty("error").GetString());
        }
        await pair.SendAndCheckAsync(10, other);
        Assert.True(h.Server.GetHealth().Counts.RateLimited >= 150);
    }

    [Fact]
    public void RepeatedRefusalsAreLoggedAtMostOncePerSecond()
    {
        var clock = new ManualTimeProvider();
        var throttle = new LogThrottle(clock);
        Assert.True(throttle.ShouldLog(out var skipped));
        Assert.Equal(0, skipped);
        for (var i = 0; i < 1000; i++) Assert.False(throttle.ShouldLog(out _));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(throttle.ShouldLog(out skipped));
        Assert.Equal(1000, skipped);
    }
}

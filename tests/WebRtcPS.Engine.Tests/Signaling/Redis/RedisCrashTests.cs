using System.Net;
using System.Net.Http.Json;
using StackExchange.Redis;
using WebRtcPS.Signaling;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Signaling.Redis;

/// <summary>
/// A server instance SIGKILLed mid-run (issue 17): it runs in a child process
/// (<see cref="SignalingServerChild"/>), so it dies as a crash kills it, leaving its fencing
/// tokens and write leases in Redis; the other instance lives on; the killed one is restarted.
/// README "Mailbox stores" promises: nothing /send answered 200 for is lost, each sender's order is
/// kept, and the only duplicate is at-least-once across the crash: the one message a killed stream
/// had flushed to its client but not yet acknowledged in Redis, delivered again on the id's next
/// stream once the dead stream's lease runs out.
/// </summary>
[Collection("Redis")]
public sealed class RedisCrashTests(ITestOutputHelper output)
{
    private const int Pairs = 12;
    private const int AfterRestart = 20;   // messages each sender still sends once A is back
    private const int StuckMessages = 8;   // ~8 MB: more than the socket buffers hold (~4.3 MB on loopback here)
    private const long MaxBytesPerId = 32L * 1024 * 1024;
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private static readonly string Padding = " " + new string('x', 1_000_000);

    private enum Outcome { Accepted, NotConnected, Uncertain, Refused }

    /// <summary>What the sender to one id learnt of each of its /send requests.</summary>
    private sealed class SendLog
    {
        public HashSet<int> Accepted { get; } = [];
        public HashSet<int> Uncertain { get; } = [];  // the request failed after it may have reached the server
        public List<string> Refused { get; } = [];
    }

    [SkippableFact]
    public async Task AnInstanceKilledMidRunThenRestartedLosesNothingAcceptedAndKeepsEachSendersOrder()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var b = await ServerHarness.StartAsync(o =>
        {
            o.Redis = redis.Endpoint;
            o.HeartbeatInterval = Heartbeat;
            o.MaxQueuedBytesPerId = MaxBytesPerId;
        });
        await Poll.UntilAsync(async () => (await b.Server.GetHealthAsync()).Redis!.Connected, Patience, "B to reach Redis");
        var a = await SignalingServerChild.StartAsync("instance A", redis.Endpoint, Heartbeat, MaxBytesPerId);
        var aAddress = new InstanceAddress("A1", a.Url);
        var bAddress = new InstanceAddress("B", b.Server.Url);
        using var mux = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var db = mux.GetDatabase();
        try
        {
            using var stop = new CancellationTokenSource();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            using var streams = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };

            // x{i} reads on A; once A is gone, even i wait for A to come back, odd i move to B. y{i} reads on B.
            // "stuck" reads on A but too slowly: A is blocked writing to it, holding the id's lease, when it dies.
            var receivers = new List<CrashReceiver>();
            for (var i = 0; i < Pairs; i++)
            {
                var waitForA = i % 2 == 0;
                receivers.Add(new CrashReceiver($"x{i}", $"y{i}", n => n == 1 || waitForA ? aAddress : bAddress));
                receivers.Add(new CrashReceiver($"y{i}", $"x{i}", _ => bAddress));
            }
            var stuck = new CrashReceiver("stuck", "feeder", n => n == 1 ? aAddress : bAddress) { HoldFirstStream = true };
            receivers.Add(stuck);
            var logs = receivers.ToDictionary(r => r.Id, _ => new SendLog());
            var reading = receivers.Where(r => r != stuck).Select(r => Task.Run(() => r.RunAsync(streams, stop.Token))).ToList();
            await Poll.UntilAsync(() => receivers.All(r => r == stuck || r.IsOpen), Patience, "every /receive stream to open");

            // Each peer sends through its own instance (a peer of A through B while A is down), until it
            // has sent AfterRestart messages after A's restart.
            var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var sending = Task.WhenAll(Enumerable.Range(0, Pairs).SelectMany(i => new[]
            {
                Task.Run(() => SendUntilAsync(http, $"x{i}", $"y{i}", aAddress, bAddress, logs[$"y{i}"], restarted.Task)),
                Task.Run(() => SendUntilAsync(http, $"y{i}", $"x{i}", bAddress, aAddress, logs[$"x{i}"], restarted.Task)),
            }));
            await Poll.UntilAsync(() => receivers.Sum(r => r.Got.Count) >= Pairs * 2 * 20, Patience, "the pairs to exchange 20 messages each way");

            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var seq = 0; seq < StuckMessages; seq++)
            {
                var outcome = await PostAsync(http, bAddress, new SignalingMessage { Type = "offer", From = "feeder", To = "stuck", Content = seq + Padding });
                Assert.Equal(Outcome.Accepted, outcome);
                logs["stuck"].Accepted.Add(seq);
            }
            // "stuck" opens its stream only now: A claims the queued entries at once and blocks with a
            // fresh 5 s lease. (Fed while open, A blocked after ~4 MB and the lease could run out
            // while the rest was fed: 8 s under load 43.)
            reading.Add(Task.Run(() => stuck.RunAsync(streams, stop.Token)));
            await Poll.UntilAsync(() => stuck.IsOpen, Patience, "'stuck' to open its /receive stream");
            // A blocked mid-write: the lease taken, the queue no longer shrinking.
            long lastLength = -1;
            var still = 0;
            await Poll.UntilAsync(async () =>
            {
                var length = await db.StreamLengthAsync("wrtc:q:stuck");
                still = length > 0 && length == lastLength && await db.KeyExistsAsync("wrtc:lock:stuck") ? still + 1 : 0;
                lastLength = length;
                await Task.Delay(50);
                return still >= 2;
            }, Patience, "A to block writing to the slow reader");

            var fedAndBlocked = clock.Elapsed;
            await a.KillAsync(); // SIGKILL
            aAddress.Set("A1", null);
            var leaseLeft = await db.KeyTimeToLiveAsync("wrtc:lock:stuck");
            var deliveredAtKill = receivers.Sum(r => r.Got.Count);
            Assert.True(leaseLeft > TimeSpan.Zero, $"the killed instance's lease on 'stuck' should still be in Redis (fed and blocked after {fedAndBlocked.TotalMilliseconds:0} ms)");
            stuck.StartReading(); // drains what the dead stream's socket still holds, then reconnects on B, which waits out the lease

            await Task.Delay(500); // traffic while A is down
            a = await SignalingServerChild.StartAsync("instance A (restarted)", redis.Endpoint, Heartbeat, MaxBytesPerId);
            aAddress.Set("A2", a.Url);
            restarted.TrySetResult();
            await sending.WaitAsync(Patience);

            // Everything stored was delivered: every accepted message arrived and Redis holds nothing.
            var queued = -1L;
            try
            {
                await Poll.UntilAsync(async () => receivers.All(r => logs[r.Id].Accepted.IsSubsetOf(r.Got.Select(m => m.Seq)))
                    && (queued = (await b.Server.GetHealthAsync()).QueuedMessages) == 0, Patience, "every accepted message to arrive");
            }
            catch (Xunit.Sdk.XunitException e)
            {
                // Say what is missing and where the receivers stand, to tell a loss from a stuck stream:
                // the first missing message's neighbours say which streams (and instance lives) it fell between.
                queued = (await b.Server.GetHealthAsync()).QueuedMessages;
                var missing = receivers.Select(r => (Receiver: r, Missing: logs[r.Id].Accepted.Except(r.Got.Select(m => m.Seq)).Order().ToList()))
                    .Where(x => x.Missing.Count > 0)
                    .Select(x => $"{x.Receiver.Id}: {x.Missing.Count} missing from {x.Missing[0]} ({Around(x.Receiver.Got, x.Missing[0])}; {x.Receiver.Got.Select(m => m.Stream).Distinct().Count()} streams)");
                Assert.Fail($"{e.Message}; Redis still queues {queued}; {string.Join("; ", missing)}");
            }
            await Task.Delay(500); // anything delivered twice would come now
            await stop.CancelAsync();
            await Task.WhenAll(reading).WaitAsync(Patience);

            var redelivered = new List<string>();
            foreach (var receiver in receivers) redelivered.AddRange(Check(receiver, logs[receiver.Id]));
            var accepted = logs.Values.Sum(l => l.Accepted.Count);
            var uncertain = logs.Values.Sum(l => l.Uncertain.Count);
            var uncertainDelivered = receivers.Sum(r => r.Got.Select(m => m.Seq).Distinct().Count(logs[r.Id].Uncertain.Contains));
            output.WriteLine($"accepted {accepted}, delivered before the kill {deliveredAtKill}; uncertain (connection lost mid-request) {uncertain}, of which delivered {uncertainDelivered}");
            output.WriteLine($"'stuck' fed and A blocked after {fedAndBlocked.TotalMilliseconds:0} ms; lease left at the kill: {leaseLeft?.TotalMilliseconds:0} ms; 'stuck' got {stuck.Got.Count} on {stuck.Got.Select(m => m.Stream).Distinct().Count()} streams");
            output.WriteLine($"delivered again across the crash (at most one per stream A had open): {redelivered.Count} [{string.Join(", ", redelivered)}]");
            Assert.All(logs.Values, l => Assert.Empty(l.Refused));
        }
        finally
        {
            await a.DisposeAsync();
        }
    }

    /// <summary>The messages received just before and after <paramref name="seq"/>, with their stream and instance life.</summary>
    private static string Around(IReadOnlyList<CrashReceiver.Received> got, int seq)
    {
        var before = got.Where(m => m.Seq < seq).Select(m => (CrashReceiver.Received?)m).LastOrDefault();
        var after = got.Where(m => m.Seq > seq).Select(m => (CrashReceiver.Received?)m).FirstOrDefault();
        static string Describe(CrashReceiver.Received? m) => m is { } r ? $"{r.Seq} on stream {r.Stream} ({r.Instance})" : "none";
        return $"after {Describe(before)}, before {Describe(after)}";
    }

    /// <summary>
    /// One id's messages: none misdelivered, every accepted one present, none that was never sent,
    /// the sender's order kept; a message twice only as the crash's redelivery (returned).
    /// </summary>
    private static List<string> Check(CrashReceiver receiver, SendLog log)
    {
        Assert.Empty(receiver.Problems);
        var got = receiver.Got;
        var redelivered = new List<string>();
        var previous = new CrashReceiver.Received(-1, 0, "");
        foreach (var m in got)
        {
            Assert.True(log.Accepted.Contains(m.Seq) || log.Uncertain.Contains(m.Seq), $"{receiver.Id}: got {m.Seq}, which no /send stored");
            if (m.Seq == previous.Seq && previous.Instance == "A1" && m.Stream == previous.Stream + 1 && redelivered.Count == 0)
                redelivered.Add($"{receiver.Id}#{m.Seq}"); // flushed by the killed stream, not acknowledged: at-least-once across a crash
            else
                Assert.True(m.Seq > previous.Seq,
                    $"{receiver.Id}: {m.Seq} (stream {m.Stream} on {m.Instance}) after {previous.Seq} (stream {previous.Stream} on {previous.Instance})");
            previous = m;
        }
        var missing = log.Accepted.Except(got.Select(m => m.Seq)).Order().ToList();
        Assert.True(missing.Count == 0, $"{receiver.Id}: accepted but lost: {string.Join(", ", missing)}");
        return redelivered;
    }

    private static async Task SendUntilAsync(HttpClient http, string from, string to, InstanceAddress home, InstanceAddress other, SendLog log, Task restarted)
    {
        var last = int.MaxValue;
        for (var seq = 0; seq <= last && seq < 100_000; seq++)
        {
            if (restarted.IsCompleted && last == int.MaxValue) last = seq + AfterRestart;
            var message = new SignalingMessage { Type = "candidate", From = from, To = to, Content = seq.ToString() };
            var outcome = await PostAsync(http, home, message);
            if (outcome == Outcome.NotConnected) outcome = await PostAsync(http, other, message); // what a load balancer does
            lock (log)
            {
                switch (outcome)
                {
                    case Outcome.Accepted: log.Accepted.Add(seq); break;
                    case Outcome.Uncertain: log.Uncertain.Add(seq); break;
                    default: log.Refused.Add($"{from} -> {to} #{seq}: {outcome}"); break;
                }
            }
            await Task.Delay(Pause);
        }
    }

    /// <summary>
    /// NotConnected: no connection could be made, so the request never left (safe to send again);
    /// Uncertain: the connection broke after the request may have reached the server (never sent again).
    /// </summary>
    private static async Task<Outcome> PostAsync(HttpClient http, InstanceAddress target, SignalingMessage message)
    {
        var url = target.Now.Url;
        if (url is null) return Outcome.NotConnected;
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri(url, "send"), message);
            return response.StatusCode == HttpStatusCode.OK ? Outcome.Accepted : Outcome.Refused;
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return Outcome.NotConnected;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return Outcome.Uncertain;
        }
    }
}

// Signaling server benchmark: the real Kestrel server in-process on loopback, driven through the
// real HTTP stack by the engine's SignalingClient.
//
//   flood:     N pairs; each peer posts M messages to its partner as fast as it can (one POST at a
//              time) while reading its own /receive stream: messages/s and delivery latency.
//   ping-pong: N pairs; each pair does R round trips, one message in flight per pair: latency;
//              then one pair alone, 500 round trips: latency of the server otherwise idle.
//   idle:      K idle /receive streams opened by a child process (so that only the server is
//              measured): server working set and GC heap, before and after.
//
// Usage: SignalingBench [--pairs 100] [--messages 200] [--roundtrips 50] [--idle 1000]
// Prints a table and one JSON line ("signaling-bench": {...}).
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Bench.Signaling;

internal static class Program
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private static async Task<int> Main(string[] args)
    {
        if (args.Length >= 3 && args[0] == "--idle-client") return await IdleClient.RunAsync(new Uri(args[1]), int.Parse(args[2]));

        var pairs = Arg(args, "--pairs", 100);
        var messages = Arg(args, "--messages", 200);
        var roundTrips = Arg(args, "--roundtrips", 50);
        var idle = Arg(args, "--idle", 1000);
        var total = Stopwatch.StartNew();

        Console.WriteLine($"signaling bench: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
        // Memory first, while the process holds nothing but the server (the load phases would
        // leave pools and a grown heap behind and blur the working-set difference).
        var memory = await IdleStreams.RunAsync(idle);
        await Flood.RunAsync(pairs: 10, messages: 50); // warm-up: JIT, connection pools
        var flood = await Flood.RunAsync(pairs, messages);
        var ping = await PingPong.RunAsync(pairs, roundTrips);
        var single = await PingPong.RunAsync(1, 500); // latency of a lone pair: the server idle otherwise

        Console.WriteLine();
        Console.WriteLine($"{"measurement",-52} {"value",14}");
        Console.WriteLine(new string('-', 67));
        void Row(string name, string value) => Console.WriteLine($"{name,-52} {value,14}");
        Row($"flood: {pairs} pairs x 2 x {messages} msgs, msgs/s", $"{flood.MessagesPerSecond:N0}");
        Row("flood: delivery latency p50 / p99 (ms)", $"{flood.P50:0.00} / {flood.P99:0.00}");
        Row("flood: duration (s)", $"{flood.Seconds:0.00}");
        Row($"ping-pong: {pairs} pairs x {roundTrips} round trips, msgs/s", $"{ping.MessagesPerSecond:N0}");
        Row("ping-pong: delivery latency p50 / p99 (ms)", $"{ping.P50:0.00} / {ping.P99:0.00}");
        Row("ping-pong: 1 pair x 500 round trips, p50 / p99 (ms)", $"{single.P50:0.00} / {single.P99:0.00}");
        Row($"idle: {idle} /receive streams open", $"{memory.Streams}");
        Row("idle: server working set before / after (MiB)", $"{Mib(memory.WorkingSetBefore):0.0} / {Mib(memory.WorkingSetAfter):0.0}");
        Row("idle: server GC heap before / after (MiB)", $"{Mib(memory.HeapBefore):0.0} / {Mib(memory.HeapAfter):0.0}");
        Row("idle: per stream: working set / GC heap (KiB)",
            $"{(memory.WorkingSetAfter - memory.WorkingSetBefore) / 1024.0 / memory.Streams:0.0} / {(memory.HeapAfter - memory.HeapBefore) / 1024.0 / memory.Streams:0.0}");
        Row("idle: after heartbeats, working set (MiB)", $"{Mib(memory.WorkingSetAfterHeartbeats):0.0}");
        Row("total run time (s)", $"{total.Elapsed.TotalSeconds:0.0}");

        var json = new Dictionary<string, object>
        {
            ["utc"] = DateTimeOffset.UtcNow.ToString("u"),
            ["cores"] = Environment.ProcessorCount,
            ["flood"] = flood,
            ["pingPong"] = ping,
            ["pingPongSinglePair"] = single,
            ["idle"] = memory,
            ["totalSeconds"] = Math.Round(total.Elapsed.TotalSeconds, 1),
        };
        Console.WriteLine();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["signaling-bench"] = json },
            WebJson));
        return 0;
    }

    private static double Mib(long bytes) => bytes / 1024.0 / 1024.0;

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }

    internal static async Task<SignalingServer> StartServerAsync(TimeSpan heartbeat) =>
        await SignalingServer.StartAsync(new SignalingServerOptions
        {
            Port = 0,
            ListenAddress = IPAddress.Loopback,
            HeartbeatInterval = heartbeat,
        });

    internal static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>Content shaped like a candidate line, carrying the send time.</summary>
    internal static string Stamp(int seq) =>
        $"{Stopwatch.GetTimestamp()} {seq} candidate:2878742611 1 udp 2130706431 192.0.2.10 47763 typ host generation 0";

    internal static double LatencyMs(string content) =>
        Stopwatch.GetElapsedTime(long.Parse(content.AsSpan(0, content.IndexOf(' ')))).TotalMilliseconds;

    internal static string SeqOf(string content)
    {
        var parts = content.Split(' ', 3);
        return parts[1];
    }
}

internal sealed record LoadResult(int Pairs, int Messages, double Seconds, double MessagesPerSecond, double P50, double P99, double Max);

/// <summary>Peers with their receive loops running and connected.</summary>
internal sealed class Peers : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly List<Task> _loops = [];

    public SignalingServer Server { get; private init; } = null!;
    public SignalingClient[] Clients { get; private init; } = [];

    /// <summary>Starts 2 x <paramref name="pairs"/> clients (peer 2i talks to 2i+1); <paramref name="onMessage"/> runs per message.</summary>
    public static async Task<Peers> StartAsync(int pairs, Func<int, SignalingMessage, Task> onMessage)
    {
        var server = await Program.StartServerAsync(TimeSpan.FromSeconds(10));
        var clients = Enumerable.Range(0, pairs * 2).Select(i => new SignalingClient(server.Url, $"peer-{i}")).ToArray();
        var peers = new Peers { Server = server, Clients = clients };
        var connected = 0;
        var allConnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < clients.Length; i++)
        {
            var index = i;
            clients[i].ConnectionChanged += up =>
            {
                if (up && Interlocked.Increment(ref connected) == clients.Length) allConnected.TrySetResult();
            };
            peers._loops.Add(Task.Run(async () =>
            {
                try
                {
                    await foreach (var m in clients[index].ReceiveAsync(peers._cts.Token)) await onMessage(index, m);
                }
                catch (OperationCanceledException) { }
            }));
        }
        await allConnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return peers;
    }

    public static int Partner(int i) => i ^ 1;

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        try { await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10)); } catch { /* ended */ }
        foreach (var c in Clients) c.Dispose();
        await Server.DisposeAsync();
    }
}

internal static class Flood
{
    public static async Task<LoadResult> RunAsync(int pairs, int messages)
    {
        var expected = pairs * 2 * messages;
        var latencies = new double[expected];
        var received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lastSeq = new int[pairs * 2];
        Array.Fill(lastSeq, -1);
        await using var peers = await Peers.StartAsync(pairs, (index, m) =>
        {
            var seq = int.Parse(Program.SeqOf(m.Content));
            if (seq != lastSeq[index] + 1) done.TrySetException(new InvalidOperationException($"peer-{index}: got #{seq} after #{lastSeq[index]}"));
            lastSeq[index] = seq;
            var n = Interlocked.Increment(ref received);
            latencies[n - 1] = Program.LatencyMs(m.Content);
            if (n == expected) done.TrySetResult();
            return Task.CompletedTask;
        });

        var clock = Stopwatch.StartNew();
        var senders = peers.Clients.Select((c, i) => Task.Run(async () =>
        {
            for (var s = 0; s < messages; s++) await c.SendAsync($"peer-{Peers.Partner(i)}", "candidate", Program.Stamp(s));
        })).ToArray();
        await Task.WhenAll(senders);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var seconds = clock.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToList();
        return new LoadResult(pairs, expected, Math.Round(seconds, 3), Math.Round(expected / seconds), Math.Round(Program.Percentile(sorted, 0.50), 3),
            Math.Round(Program.Percentile(sorted, 0.99), 3), Math.Round(sorted[^1], 3));
    }
}

internal static class PingPong
{
    public static async Task<LoadResult> RunAsync(int pairs, int roundTrips)
    {
        var latencies = new List<double>(pairs * roundTrips * 2);
        var pongs = Enumerable.Range(0, pairs).Select(_ => System.Threading.Channels.Channel.CreateUnbounded<string>()).ToArray();
        Peers? peersRef = null;
        await using var peers = await Peers.StartAsync(pairs, async (index, m) =>
        {
            var latency = Program.LatencyMs(m.Content);
            lock (latencies) latencies.Add(latency);
            if (index % 2 == 1) // the responder answers each ping at once
                await peersRef!.Clients[index].SendAsync($"peer-{index - 1}", "candidate", Program.Stamp(int.Parse(Program.SeqOf(m.Content))));
            else
                pongs[index / 2].Writer.TryWrite(m.Content);
        });
        peersRef = peers;

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, pairs).Select(p => Task.Run(async () =>
        {
            var client = peers.Clients[2 * p];
            for (var r = 0; r < roundTrips; r++)
            {
                await client.SendAsync($"peer-{2 * p + 1}", "candidate", Program.Stamp(r));
                var pong = await pongs[p].Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                if (Program.SeqOf(pong) != r.ToString()) throw new InvalidOperationException($"pair {p}: pong {Program.SeqOf(pong)} for ping {r}");
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        List<double> sorted;
        lock (latencies) sorted = latencies.Order().ToList();
        return new LoadResult(pairs, sorted.Count, Math.Round(seconds, 3), Math.Round(sorted.Count / seconds), Math.Round(Program.Percentile(sorted, 0.50), 3),
            Math.Round(Program.Percentile(sorted, 0.99), 3), Math.Round(sorted[^1], 3));
    }
}

internal sealed record MemoryResult(int Streams, long WorkingSetBefore, long WorkingSetAfter, long HeapBefore, long HeapAfter,
    long WorkingSetAfterHeartbeats, long HeapAfterHeartbeats, long HeartbeatsSent);

internal static class IdleStreams
{
    public static async Task<MemoryResult> RunAsync(int streams)
    {
        // Heartbeats every 500 ms so that the "after heartbeats" figure has seen a few rounds.
        await using var server = await Program.StartServerAsync(TimeSpan.FromMilliseconds(500));
        var (wsBefore, heapBefore) = Measure();

        var self = typeof(Program).Assembly.Location;
        var host = Environment.ProcessPath!;
        var psi = Path.GetFileNameWithoutExtension(host) == "dotnet" ? new ProcessStartInfo(host) { ArgumentList = { self } } : new ProcessStartInfo(host);
        psi.ArgumentList.Add("--idle-client");
        psi.ArgumentList.Add(server.Url.AbsoluteUri);
        psi.ArgumentList.Add(streams.ToString());
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.UseShellExecute = false;
        using var child = Process.Start(psi)!;
        try
        {
            var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (line != "ready") throw new InvalidOperationException($"idle client: {line}");
            var deadline = Stopwatch.StartNew();
            while (server.GetHealth().ConnectedIds.Count < streams && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
            var open = server.GetHealth().ConnectedIds.Count;
            var (wsAfter, heapAfter) = Measure();
            var heartbeatsBefore = server.GetHealth().Counts.HeartbeatsSent;
            while (server.GetHealth().Counts.HeartbeatsSent < heartbeatsBefore + 3L * streams && deadline.Elapsed < TimeSpan.FromSeconds(45))
                await Task.Delay(100);
            var (wsHb, heapHb) = Measure();
            return new MemoryResult(open, wsBefore, wsAfter, heapBefore, heapAfter, wsHb, heapHb, server.GetHealth().Counts.HeartbeatsSent);
        }
        finally
        {
            child.StandardInput.Close(); // the child exits at end of input
            if (!child.WaitForExit(10_000)) child.Kill(entireProcessTree: true);
        }
    }

    private static (long WorkingSet, long Heap) Measure()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var me = Process.GetCurrentProcess();
        return (me.WorkingSet64, GC.GetTotalMemory(false));
    }
}

/// <summary>The child process: opens N /receive streams, says "ready", holds them until stdin ends.</summary>
internal static class IdleClient
{
    public static async Task<int> RunAsync(Uri url, int streams)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = url,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var responses = new HttpResponseMessage[streams];
        using var gate = new SemaphoreSlim(50);
        await Task.WhenAll(Enumerable.Range(0, streams).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                responses[i] = await http.GetAsync($"receive?id=idle-{i}", HttpCompletionOption.ResponseHeadersRead);
                responses[i].EnsureSuccessStatusCode();
                var stream = await responses[i].Content.ReadAsStreamAsync();
                _ = DrainAsync(stream); // read heartbeats so the server never blocks on a full socket
            }
            finally { gate.Release(); }
        }));
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        foreach (var r in responses) r.Dispose();
        return 0;
    }

    private static async Task DrainAsync(Stream stream)
    {
        var buffer = new byte[256];
        try { while (await stream.ReadAsync(buffer) > 0) { } } catch { /* closed */ }
    }
}

// Signaling server benchmark: the real Kestrel server in-process on loopback, driven over HTTP by
// a load generator (LoadGenerator.cs: raw sockets by default, or the engine's SignalingClient).
//
//   flood:     N pairs; each peer posts M messages to its partner as fast as it can (one POST at a
//              time) while reading its own /receive stream: messages/s and delivery latency.
//   ping-pong: N pairs; each pair does R round trips, one message in flight per pair: latency;
//              then one pair alone, 500 round trips: latency of the server otherwise idle.
//   idle:      K idle /receive streams opened by a child process (so that only the server is
//              measured): server working set and GC heap, before and after.
//
// Usage: SignalingBench [--pairs 100] [--messages 200] [--roundtrips 50] [--idle 1000] [--secure]
//                       [--client lean|httpclient]
// (--secure: flood and ping-pong over HTTPS with a bearer token, Secure.cs; --client: what drives
// flood and ping-pong, LoadGenerator.cs: raw sockets by default, SignalingClients on request;
// --secure needs httpclient, the lean generator speaks plain HTTP only)
// Prints a table and one JSON line ("signaling-bench": {...}).
//
// SignalingBench --compare [--rounds 3] [--idle 10000] [...]: the same load against our server and
// the Go baseline (tests/interop/go-signaling-server), each in its own process (Compare.cs).
// SignalingBench --redis-compare [--pairs 1000 --seconds 60]: one in-memory instance, then two
// instances sharing a Redis, under the same sustained load (RedisMode.cs).
// Internal modes: --serve (our server alone, ServeMode.cs), --idle-client URL N (IdleClient.cs).
// SignalingBench --check-lean: checks the lean generator's HTTP and stream codecs, no server (Lean/LeanSelfCheck.cs).
// SignalingBench --drive URL [...]: flood, ping-pong and a lone pair against a running server (DriveMode.cs).
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Bench.Signaling;

internal static class Program
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private static async Task<int> Main(string[] args)
    {
        if (args.Length >= 3 && args[0] == "--idle-client") return await IdleClient.RunAsync(new Uri(args[1]), int.Parse(args[2]));
        if (args.Length >= 1 && args[0] == "--serve")
            return await ServeMode.RunAsync(TimeSpan.FromMilliseconds(Arg(args, "--heartbeat-ms", 10_000)), Arg(args, "--redis", "") is { Length: > 0 } redis ? redis : null);
        if (args.Length >= 1 && args[0] == "--redis-compare") return await RedisMode.RunAsync(args);
        if (args.Length >= 1 && args[0] == "--compare") return await Compare.RunAsync(args);
        if (args.Length >= 1 && args[0] == "--check-lean") return Lean.LeanSelfCheck.Run();
        if (args.Length >= 2 && args[0] == "--drive") return await DriveMode.RunAsync(new Uri(args[1]), args);

        var pairs = Arg(args, "--pairs", 100);
        var messages = Arg(args, "--messages", 200);
        var roundTrips = Arg(args, "--roundtrips", 50);
        var idle = Arg(args, "--idle", 1000);
        var total = Stopwatch.StartNew();
        var secure = args.Contains("--secure");
        if (LoadGenerator.FromArgs(args) is not { } load) return 2;
        if (secure && load != LoadGenerator.HttpClients)
        {
            if (args.Contains("--client"))
            {
                Console.Error.WriteLine("signaling bench: --secure needs --client httpclient (the lean generator speaks plain HTTP only)");
                return 2;
            }
            load = LoadGenerator.HttpClients;
        }

        Console.WriteLine($"signaling bench: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}, client {load.Name}");
        // Memory first, while the process holds nothing but the server (the load phases would
        // leave pools and a grown heap behind and blur the working-set difference).
        var memory = await IdleStreams.RunAsync(idle);
        Secure.Enabled = secure;
        // A fresh server for each run, as the runs would otherwise share its mailboxes and pools.
        await InProcessAsync(s => load.Flood(s, 10, 50)); // warm-up: JIT, connection pools
        var flood = await InProcessAsync(s => load.Flood(s, pairs, messages));
        var ping = await InProcessAsync(s => load.PingPong(s, pairs, roundTrips));
        var single = await InProcessAsync(s => load.PingPong(s, 1, 500)); // latency of a lone pair: the server idle otherwise

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
            ["secure"] = secure,
            ["client"] = load.Name,
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

    private static async Task<LoadResult> InProcessAsync(Func<Uri, Task<LoadResult>> run)
    {
        await using var server = await StartServerAsync(TimeSpan.FromSeconds(10));
        return await run(server.Url);
    }

    /// <summary>How to start this program again as a child with <paramref name="args"/> (stdin and stdout redirected).</summary>
    internal static ProcessStartInfo Self(params string[] args)
    {
        var host = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") psi.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    private static double Mib(long bytes) => bytes / 1024.0 / 1024.0;

    internal static int Arg(string[] args, string name, int fallback) => int.Parse(Arg(args, name, fallback.ToString()));

    internal static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    internal static async Task<SignalingServer> StartServerAsync(TimeSpan heartbeat, string? redis = null)
    {
        var options = new SignalingServerOptions
        {
            Port = 0,
            ListenAddress = IPAddress.Loopback,
            HeartbeatInterval = heartbeat,
            Redis = redis,
        };
        Secure.Apply(options);
        return await SignalingServer.StartAsync(options);
    }

    internal static double Percentile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>What follows the send time and sequence number in every message's content: a candidate line.</summary>
    internal const string CandidateLine = "candidate:2878742611 1 udp 2130706431 192.0.2.10 47763 typ host generation 0";

    /// <summary>Content shaped like a candidate line, carrying the send time.</summary>
    internal static string Stamp(int seq) => $"{Stopwatch.GetTimestamp()} {seq} {CandidateLine}";

    internal static double LatencyMs(string content) =>
        Stopwatch.GetElapsedTime(long.Parse(content.AsSpan(0, content.IndexOf(' ')))).TotalMilliseconds;

    internal static string SeqOf(string content)
    {
        var parts = content.Split(' ', 3);
        return parts[1];
    }
}


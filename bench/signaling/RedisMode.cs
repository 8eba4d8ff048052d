using System.Diagnostics;
using System.Text.Json;

namespace WebRtcPS.Bench.Signaling;

/// <summary>
/// <c>--redis-compare [--pairs 1000] [--seconds 60] [--redis-server PATH] [--max-seconds 900]</c>:
/// the same sustained load (<see cref="Sustained"/>) against one in-memory instance, then against
/// two instances sharing a Redis of the bench's own (each pair split across them), every server
/// in its own <c>--serve</c> process, the clients in this one. Prints a table and one JSON line.
/// </summary>
internal static class RedisMode
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(string[] args)
    {
        var pairs = Program.Arg(args, "--pairs", 1000);
        var duration = TimeSpan.FromSeconds(Program.Arg(args, "--seconds", 60));
        var redisProgram = Program.Arg(args, "--redis-server", "redis-server");
        var maxSeconds = Program.Arg(args, "--max-seconds", 900);
        var heartbeat = TimeSpan.FromSeconds(10);

        using var bound = new Timer(_ =>
        {
            Console.Error.WriteLine($"signaling bench: time bound of {maxSeconds} s exceeded; ending the children");
            Children.KillAll();
            Environment.Exit(3);
        }, null, TimeSpan.FromSeconds(maxSeconds), Timeout.InfiniteTimeSpan);
        var (limit, limitNote) = FileLimit.Ensure((ulong)pairs * 8 + 1024); // per peer: a stream and a send connection, both ends
        var loadBefore = LoadAverage();
        Console.WriteLine($"signaling bench --redis-compare: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {loadBefore}; {limitNote}");

        var total = Stopwatch.StartNew();
        var results = new List<SustainedResult>();
        await using (var memory = await ServerProcess.StartOursAsync(heartbeat))
        {
            // This process's client code compiles here, not in the measured run.
            await Sustained.RunAsync("warm-up", [memory.Url], Math.Min(pairs, 50), TimeSpan.FromSeconds(5));
        }
        await using (var memory = await ServerProcess.StartOursAsync(heartbeat))
        {
            results.Add(Print(await Sustained.RunAsync("in-memory, 1 instance", [memory.Url], pairs, duration)));
        }
        double redisRss;
        await using (var redis = await RedisServer.StartAsync(redisProgram))
        {
            await using var a = await ServerProcess.StartOursAsync(heartbeat, redis.Endpoint);
            await using var b = await ServerProcess.StartOursAsync(heartbeat, redis.Endpoint);
            results.Add(Print(await Sustained.RunAsync("Redis, 2 instances", [a.Url, b.Url], pairs, duration)));
            redisRss = redis.RssMiB();
        }
        var loadAfter = LoadAverage();

        Console.WriteLine();
        Console.WriteLine($"{"figure",-44} {results[0].Mode,22} {results[1].Mode,22}");
        Console.WriteLine(new string('-', 90));
        void Row(string name, Func<SustainedResult, string> value) => Console.WriteLine($"{name,-44} {value(results[0]),22} {value(results[1]),22}");
        Row("messages/s (delivered once / time)", r => $"{r.MessagesPerSecond:N0}");
        Row("delivery latency p50 / p99 / max (ms)", r => $"{r.P50:0.0} / {r.P99:0.0} / {r.Max:0}");
        Row("accepted (/send 200)", r => $"{r.Accepted:N0}");
        Row("delivered", r => $"{r.Delivered:N0}");
        Row("lost (accepted, never delivered)", r => $"{r.Lost:N0}");
        Row("out of order or twice", r => $"{r.OutOfOrderOrTwice:N0}");
        Row("refused (4xx/5xx) / of them delivered anyway", r => $"{r.Refused:N0} / {r.RefusedYetDelivered:N0}");
        Row("unanswered / of them delivered", r => $"{r.Unanswered:N0} / {r.UnansweredDelivered:N0}");
        Row("sending time / drain after it (s)", r => $"{r.Seconds:0.0} / {r.DrainSeconds:0.00}");
        foreach (var r in results)
            foreach (var refusal in r.Refusals) Console.WriteLine($"  {r.Mode} refusal: {refusal}");
        Console.WriteLine($"redis-server RSS at the end: {redisRss:0.0} MiB; load average before {loadBefore}, after {loadAfter}; total {total.Elapsed.TotalSeconds:0} s");
        Console.WriteLine();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["signaling-bench-redis"] = new Dictionary<string, object>
            {
                ["utc"] = DateTimeOffset.UtcNow.ToString("u"),
                ["cores"] = Environment.ProcessorCount,
                ["loadAverageBefore"] = loadBefore,
                ["loadAverageAfter"] = loadAfter,
                ["redisRssMiB"] = Math.Round(redisRss, 1),
                ["runs"] = results,
            },
        }, WebJson));
        return results.All(r => r.Lost == 0 && r.OutOfOrderOrTwice == 0) ? 0 : 1;
    }

    private static SustainedResult Print(SustainedResult r)
    {
        Console.WriteLine($"  {r.Mode}: {r.Pairs} pairs, {r.Seconds:0.0} s: {r.MessagesPerSecond:N0} msgs/s, p50 {r.P50} ms, p99 {r.P99} ms, " +
            $"accepted {r.Accepted:N0}, delivered {r.Delivered:N0}, lost {r.Lost}, out of order or twice {r.OutOfOrderOrTwice}, " +
            $"refused {r.Refused} (delivered anyway {r.RefusedYetDelivered}), unanswered {r.Unanswered} (delivered {r.UnansweredDelivered})");
        return r;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}

using System.Diagnostics;
using System.Text.Json;

namespace WebRtcPS.Bench.Signaling;

/// <summary>One server's figures in one round; the <c>Client</c> CPU figures are the load generator's (this process's) own.</summary>
internal sealed record ServerRun(string Server, int Round, LoadResult ColdFlood, LoadResult Flood, double FloodCpuMsPer1k, LoadResult PingPong,
    double PingPongCpuMsPer1k, LoadResult SinglePair, double LoadPeakRssMiB, IdleRun Idle, double FloodClientCpuMsPer1k, double PingPongClientCpuMsPer1k);

/// <summary>K idle /receive streams on a fresh server process: its resident set before, with them, after heartbeats.</summary>
internal sealed record IdleRun(int Streams, int Open, double OpenSeconds, double RssBeforeMiB, double RssOpenMiB, double RssHeartbeatsMiB,
    double PeakRssMiB, long Heartbeats, double HeartbeatSeconds, double CpuSeconds);

/// <summary>
/// <c>--compare</c>: the same load against our server (<c>--serve</c> child) and the Go baseline
/// (tests/interop/go-signaling-server), alternating in rounds (ours/go, go/ours, ...) so that
/// the machine's changing load falls on both. The clients run in this process for both servers:
/// the lean generator by default (<c>--client</c>, <see cref="LoadGenerator"/>).
/// </summary>
internal static class Compare
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(string[] args)
    {
        var pairs = Program.Arg(args, "--pairs", 100);
        var messages = Program.Arg(args, "--messages", 200);
        var roundTrips = Program.Arg(args, "--roundtrips", 50);
        var idle = Program.Arg(args, "--idle", 10_000);
        var rounds = Program.Arg(args, "--rounds", 3);
        var idleHeartbeat = TimeSpan.FromMilliseconds(Program.Arg(args, "--idle-heartbeat-ms", 1000));
        var maxSeconds = Program.Arg(args, "--max-seconds", 900);
        if (LoadGenerator.FromArgs(args) is not { } load) return 2;
        // Before this process's first socket (the engine reads it once); the servers run without it.
        var completions = load == LoadGenerator.LeanSockets && !args.Contains("--no-inline-completions")
            ? Lean.InlineCompletions.Enable()
            : "socket completions on the thread pool (the runtime's default)";
        var goExe = Program.Arg(args, "--go-server", "") is { Length: > 0 } given ? given : BuildGoServer();

        // The run is bounded: past --max-seconds every child is killed and the run fails.
        using var bound = new Timer(_ =>
        {
            Console.Error.WriteLine($"signaling bench: time bound of {maxSeconds} s exceeded; ending the children");
            Children.KillAll();
            Environment.Exit(3);
        }, null, TimeSpan.FromSeconds(maxSeconds), Timeout.InfiniteTimeSpan);

        var (limit, limitNote) = FileLimit.Ensure((ulong)idle + 1024);
        var loadBefore = LoadAverage();
        Console.WriteLine($"signaling bench --compare: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {loadBefore}");
        Console.WriteLine($"  {limitNote}; go baseline {goExe}");
        Console.WriteLine($"  load generator {load.Name}: {completions}");
        if (limit < (ulong)idle + 1024)
        {
            Console.Error.WriteLine($"signaling bench: {idle} idle streams need ulimit -n >= {idle + 1024}");
            return 2;
        }

        var total = Stopwatch.StartNew();
        await using (var warm = await ServerProcess.StartGoAsync(goExe, TimeSpan.FromSeconds(10)))
        {
            // This process's client code compiles once here, not in the first measured run.
            await load.Flood(warm.Url, 20, 100);
            await load.PingPong(warm.Url, 20, 10);
        }
        var runs = new List<ServerRun>();
        for (var round = 1; round <= rounds; round++)
        {
            string[] order = round % 2 == 1 ? ["ours", "go"] : ["go", "ours"];
            foreach (var name in order)
            {
                var run = await RunServerAsync(load, name, round, goExe, pairs, messages, roundTrips, idle, idleHeartbeat);
                runs.Add(run);
                PrintRun(run);
            }
        }
        var loadAfter = LoadAverage();
        if (Program.Arg(args, "--samples", "") is { Length: > 0 } samples) CompareSamples.Append(samples, runs);
        PrintSummary(runs, load, pairs, messages, roundTrips, idle, loadBefore, loadAfter);

        Console.WriteLine();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["signaling-bench-compare"] = new Dictionary<string, object>
            {
                ["utc"] = DateTimeOffset.UtcNow.ToString("u"),
                ["cores"] = Environment.ProcessorCount,
                ["loadAverageBefore"] = loadBefore,
                ["loadAverageAfter"] = loadAfter,
                ["client"] = load.Name,
                ["clientCompletions"] = completions,
                ["runs"] = runs,
                ["totalSeconds"] = Math.Round(total.Elapsed.TotalSeconds, 1),
            },
        }, WebJson));
        return 0;
    }

    private static Task<ServerProcess> StartAsync(string name, string goExe, TimeSpan heartbeat) =>
        name == "go" ? ServerProcess.StartGoAsync(goExe, heartbeat) : ServerProcess.StartOursAsync(heartbeat);

    private static async Task<ServerRun> RunServerAsync(LoadGenerator load, string name, int round, string goExe, int pairs, int messages, int roundTrips,
        int idle, TimeSpan idleHeartbeat)
    {
        LoadResult cold, flood, ping, single;
        double floodCpu, pingCpu, floodClientCpu, pingClientCpu, peak;
        await using (var server = await StartAsync(name, goExe, TimeSpan.FromSeconds(10)))
        {
            // The first flood of a fresh process is reported apart: ours then still compiles (tiered
            // JIT with PGO; on 2 busy cores its background compiler ran for ~45 s of load), Go's
            // code is compiled ahead of time. One more flood and ping-pong as warm-up, then the
            // measured runs: steady state.
            cold = await load.Flood(server.Url, pairs, messages);
            await load.PingPong(server.Url, pairs, roundTrips);
            await load.Flood(server.Url, pairs, messages);
            await load.PingPong(server.Url, pairs, roundTrips);
            (flood, floodCpu, floodClientCpu) = await WithCpuAsync(server, () => load.Flood(server.Url, pairs, messages));
            (ping, pingCpu, pingClientCpu) = await WithCpuAsync(server, () => load.PingPong(server.Url, pairs, roundTrips));
            single = await load.PingPong(server.Url, 1, 500);
            peak = Mib(server.Sample().PeakRss);
        }
        var idleRun = await IdleAsync(name, goExe, idle, idleHeartbeat);
        return new ServerRun(name, round, cold, flood, floodCpu, ping, pingCpu, single, peak, idleRun, floodClientCpu, pingClientCpu);
    }

    /// <summary>
    /// Runs <paramref name="load"/>; also returns the server's CPU time per 1,000 messages, and this
    /// process's (the load generator's: nothing else runs here meanwhile).
    /// </summary>
    private static async Task<(LoadResult, double, double)> WithCpuAsync(ServerProcess server, Func<Task<LoadResult>> load)
    {
        var before = server.Sample().Cpu;
        var clientBefore = Environment.CpuUsage.TotalTime;
        var result = await load();
        var cpu = server.Sample().Cpu - before;
        var clientCpu = Environment.CpuUsage.TotalTime - clientBefore;
        return (result, Math.Round(cpu.TotalMilliseconds * 1000 / result.Messages, 1), Math.Round(clientCpu.TotalMilliseconds * 1000 / result.Messages, 1));
    }

    private static async Task<IdleRun> IdleAsync(string name, string goExe, int streams, TimeSpan heartbeat)
    {
        await using var server = await StartAsync(name, goExe, heartbeat);
        await Task.Delay(1000); // settle after start-up
        var before = server.Sample();
        var clock = Stopwatch.StartNew();
        var child = Children.Start(Program.Self("--idle-client", server.Url.AbsoluteUri, streams.ToString()));
        try
        {
            var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(180));
            if (line != "ready") throw new InvalidOperationException($"idle client ({name} server): {line ?? "exited"}");
            var (open, heartbeats) = await server.HealthAsync();
            while (open < streams && clock.Elapsed < TimeSpan.FromSeconds(240))
            {
                await Task.Delay(200);
                (open, heartbeats) = await server.HealthAsync();
            }
            var openSeconds = clock.Elapsed.TotalSeconds;
            var withStreams = server.Sample();

            // Three heartbeat rounds: every stream has then been written to (write buffers touched).
            var hbClock = Stopwatch.StartNew();
            var target = heartbeats + 3L * streams;
            var sent = heartbeats;
            while (sent < target && hbClock.Elapsed < TimeSpan.FromSeconds(120))
            {
                await Task.Delay(250);
                (_, sent) = await server.HealthAsync();
            }
            var afterHeartbeats = server.Sample();
            return new IdleRun(streams, open, Math.Round(openSeconds, 2), Mib(before.Rss), Mib(withStreams.Rss), Mib(afterHeartbeats.Rss),
                Mib(afterHeartbeats.PeakRss), sent - heartbeats, Math.Round(hbClock.Elapsed.TotalSeconds, 2),
                Math.Round((afterHeartbeats.Cpu - before.Cpu).TotalSeconds, 2));
        }
        finally
        {
            Children.End(child, TimeSpan.FromSeconds(20)); // it closes its streams and exits at end of input
        }
    }

    private static void PrintRun(ServerRun r)
    {
        var i = r.Idle;
        Console.WriteLine($"round {r.Round} {r.Server,-4}: cold flood {r.ColdFlood.MessagesPerSecond,6:N0} msgs/s | flood {r.Flood.MessagesPerSecond,6:N0} msgs/s p50/p99 {r.Flood.P50:0.0}/{r.Flood.P99:0.0} ms"
            + $" cpu {r.FloodCpuMsPer1k:0} ms/1k (generator {r.FloodClientCpuMsPer1k:0}) | ping-pong p50/p99 {r.PingPong.P50:0.0}/{r.PingPong.P99:0.0} ms | 1 pair {r.SinglePair.P50:0.00}/{r.SinglePair.P99:0.00} ms"
            + $" | idle {i.Open}/{i.Streams} open in {i.OpenSeconds:0.0} s, RSS {i.RssBeforeMiB:0} -> {i.RssOpenMiB:0} -> {i.RssHeartbeatsMiB:0} MiB, peak {i.PeakRssMiB:0}"
            + $" ({i.Heartbeats} heartbeats in {i.HeartbeatSeconds:0.0} s)");
    }

    private static void PrintSummary(List<ServerRun> runs, LoadGenerator load, int pairs, int messages, int roundTrips, int idle, string loadBefore, string loadAfter)
    {
        var ours = runs.Where(r => r.Server == "ours").ToList();
        var go = runs.Where(r => r.Server == "go").ToList();
        Console.WriteLine();
        Console.WriteLine($"medians over {ours.Count} rounds; load average {loadBefore} before, {loadAfter} after");
        Console.WriteLine($"{"figure",-50} {"ours",10} {"go",10} {"ours/go",8}  better");
        Console.WriteLine(new string('-', 88));
        void Row(string figure, Func<ServerRun, double> f, bool higherIsBetter, string format = "0.00")
        {
            var (o, g) = (Median(ours.Select(f)), Median(go.Select(f)));
            var better = o == g ? "=" : (o > g) == higherIsBetter ? "ours" : "go";
            Console.WriteLine($"{figure,-50} {o.ToString(format),10} {g.ToString(format),10} {(g == 0 ? "-" : (o / g).ToString("0.00")),8}  {better}");
        }
        Row("first flood of a fresh server: msgs/s", r => r.ColdFlood.MessagesPerSecond, true, "N0");
        Row("first flood of a fresh server: delivery p99 (ms)", r => r.ColdFlood.P99, false);
        Row($"flood {pairs} pairs x 2 x {messages}: msgs/s", r => r.Flood.MessagesPerSecond, true, "N0");
        Row("flood: delivery p50 (ms)", r => r.Flood.P50, false);
        Row("flood: delivery p99 (ms)", r => r.Flood.P99, false);
        Row("flood: server CPU per 1,000 msgs (ms)", r => r.FloodCpuMsPer1k, false, "0");
        Row($"ping-pong {pairs} pairs x {roundTrips}: msgs/s", r => r.PingPong.MessagesPerSecond, true, "N0");
        Row("ping-pong: delivery p50 (ms)", r => r.PingPong.P50, false);
        Row("ping-pong: delivery p99 (ms)", r => r.PingPong.P99, false);
        Row("ping-pong: server CPU per 1,000 msgs (ms)", r => r.PingPongCpuMsPer1k, false, "0");
        Row("1 pair x 500 round trips: p50 (ms)", r => r.SinglePair.P50, false, "0.000");
        Row("1 pair x 500 round trips: p99 (ms)", r => r.SinglePair.P99, false, "0.000");
        Row("load phases: server peak RSS (MiB)", r => r.LoadPeakRssMiB, false, "0.0");
        Row("idle: server RSS before streams (MiB)", r => r.Idle.RssBeforeMiB, false, "0.0");
        Row($"idle: server RSS with {idle:N0} streams (MiB)", r => r.Idle.RssOpenMiB, false, "0.0");
        Row("idle: ... after 3 heartbeat rounds (MiB)", r => r.Idle.RssHeartbeatsMiB, false, "0.0");
        Row("idle: server peak RSS (MiB)", r => r.Idle.PeakRssMiB, false, "0.0");
        Row("idle: RSS per stream after heartbeats (KiB)", r => (r.Idle.RssHeartbeatsMiB - r.Idle.RssBeforeMiB) * 1024 / r.Idle.Streams, false, "0.0");
        Row("idle: streams opened in (s)", r => r.Idle.OpenSeconds, false, "0.0");
        Row("idle: server CPU, opening + 3 heartbeat rounds (s)", r => r.Idle.CpuSeconds, false, "0.00");
        Console.WriteLine($"load generator ({load.Name}, this process) CPU per 1,000 msgs (ms), driving ours / go: flood"
            + $" {Median(ours.Select(r => r.FloodClientCpuMsPer1k)):0} / {Median(go.Select(r => r.FloodClientCpuMsPer1k)):0},"
            + $" ping-pong {Median(ours.Select(r => r.PingPongClientCpuMsPer1k)):0} / {Median(go.Select(r => r.PingPongClientCpuMsPer1k)):0}");

        Console.WriteLine();
        var flood = Median(ours.Select(r => r.Flood.MessagesPerSecond)) > Median(go.Select(r => r.Flood.MessagesPerSecond));
        var p99 = Median(ours.Select(r => r.Flood.P99)) < Median(go.Select(r => r.Flood.P99))
                  && Median(ours.Select(r => r.PingPong.P99)) < Median(go.Select(r => r.PingPong.P99));
        var memory = ours.All(r => r.Idle.Open == idle && r.Idle.PeakRssMiB <= 300);
        Console.WriteLine($"target: more msgs/s than go (flood): {(flood ? "met" : "NOT met")}; lower p99 than go (flood and ping-pong): {(p99 ? "met" : "NOT met")};"
            + $" {idle:N0} open streams in <= 300 MiB peak RSS (every round): {(memory ? "met" : "NOT met")}");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return 0;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double Mib(long bytes) => Math.Round(bytes / 1024.0 / 1024.0, 1);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>Builds tests/interop/go-signaling-server with the repository's build-go.sh (offline, GOPATH mode).</summary>
    private static string BuildGoServer()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WebRtcPS.slnx"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("repository root not found above the bench; pass --go-server PATH");
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(dir.FullName, "tests", "interop", "build-go.sh"));
        psi.ArgumentList.Add("go-signaling-server");
        using var build = Process.Start(psi)!;
        var output = build.StandardOutput.ReadToEnd().Trim();
        if (!build.WaitForExit(TimeSpan.FromMinutes(5)) || build.ExitCode != 0)
            throw new InvalidOperationException("build-go.sh go-signaling-server failed (is Go installed?); pass --go-server PATH");
        return output.Split('\n')[^1].Trim();
    }
}

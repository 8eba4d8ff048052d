using System.Diagnostics;
using System.Globalization;

namespace WebRtcPS.Bench.Peers;

/// <summary>
/// <c>--peer -many N</c>: N peer connections in this one process (N/2 offerer/answerer pairs
/// through the signaling server, all started at once), every one kept open until all have
/// exchanged their hello: time to connect all, resident set before and with all open, and the
/// increment per peer. With <c>-warmup 1</c> the "before" figure is a warm process (jitted code),
/// so the increment is the peers' own memory, not the runtime's.
/// </summary>
internal static class Many
{
    public static async Task<int> RunAsync(PeerOptions o, Emitter output)
    {
        var pairs = Math.Max(1, o.Many / 2);
        var peers = pairs * 2;
        GC.Collect();
        var before = RssKiB();
        var allOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connected = 0;
        var sw = Stopwatch.StartNew();
        Task Hold(Dictionary<string, object?> result)
        {
            if (result["ok"] is true && Interlocked.Increment(ref connected) == peers) allOpen.TrySetResult();
            return allOpen.Task;
        }
        var runs = new List<Task<Dictionary<string, object?>>>();
        for (var i = 0; i < pairs; i++)
        {
            var id = $"{o.Id}~many{i}";
            var hello = o with { Mode = "hello", Many = 0, Warmup = 0 };
            runs.Add(new Peer(hello with { Role = "answerer", Id = id + "a", RemoteId = id + "o" }, Emitter.Silent) { BeforeClose = Hold }.RunAndCloseAsync());
            runs.Add(new Peer(hello with { Role = "offerer", Id = id + "o", RemoteId = id + "a" }, Emitter.Silent) { BeforeClose = Hold }.RunAndCloseAsync());
        }
        // A peer that fails never reaches the hold: stop waiting when every run has ended or the time is up.
        var done = await Task.WhenAny(allOpen.Task, Task.WhenAll(runs), Task.Delay(o.Timeout));
        var connectAllMs = sw.Elapsed.TotalMilliseconds;
        var ok = done == allOpen.Task;
        GC.Collect();
        var open = RssKiB();
        allOpen.TrySetResult();
        var results = await Task.WhenAll(runs);
        var failed = results.Count(r => r["ok"] is not true);
        output.Emit("result", new()
        {
            ["ok"] = ok && failed == 0,
            ["reason"] = ok ? (failed == 0 ? null : $"{failed} peers failed") : $"{Volatile.Read(ref connected)}/{peers} connected",
            ["mode"] = "many",
            ["peers"] = peers,
            ["connected"] = Volatile.Read(ref connected),
            ["connect_all_ms"] = Math.Round(connectAllMs, 1),
            ["rss_before_mib"] = Math.Round(before / 1024.0, 2),
            ["rss_open_mib"] = Math.Round(open / 1024.0, 2),
            ["rss_per_peer_mib"] = Math.Round((open - before) / 1024.0 / peers, 3),
        });
        return ok && failed == 0 ? 0 : 1;
    }

    private static long RssKiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().ToString().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }
}

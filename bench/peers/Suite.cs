using System.Globalization;

namespace WebRtcPS.Bench.Peers;

/// <summary>
/// --suite: what each finished run adds to samples.jsonl (bench/report's input), and the
/// many-peers runs (one process of ours holding N connections; pion-peer and aiortc-peer are one
/// connection per process, so they have no such figure).
/// </summary>
internal static partial class Orchestrator
{
    private const string Bench = "peers";

    /// <summary>The implementation a same-implementation pairing measures; null for mixed pairings.</summary>
    private static string? Impl(Pairing p) =>
        p == OursOurs || p == OursOursWarm ? "webrtcps" : p == PwshPwsh || p == PwshPwshWarm ? "webrtcps-pwsh"
        : p == AotAot ? "webrtcps-aot" : p == PionPion ? "pion" : p == AiortcAiortc ? "aiortc" : null;

    private static void AddSamples(RunOutcome o)
    {
        if (Impl(o.Pairing) is not { } impl) return;
        var warm = o.Pairing == OursOursWarm || o.Pairing == PwshPwshWarm;
        var jit = impl is "webrtcps" or "webrtcps-pwsh";
        string[] figures = o.Mode switch
        {
            // Without a JIT (pion, aiortc, the AOT peer) a cold process's setup is also its warm one.
            "hello" => warm ? ["setup_warm"] : jit ? ["setup_cold", "rss_hello"] : ["setup_cold", "setup_warm", "rss_hello"],
            "bulk" => ["bulk_65535"],
            "bulk256" => ["bulk_262144"],
            "channels8" => ["channels8"],
            "ping" => ["rtt_p50", "rtt_p99"],
            "unordered" => ["unordered_rtt_p50", "unordered_rtt_p99"],
            _ => [],
        };
        foreach (var f in figures)
        {
            if (!o.Ok)
            {
                Samples.Fail(Bench, f, impl, o.Error!, o.Round);
                continue;
            }
            var (value, unit) = f switch
            {
                "setup_cold" or "setup_warm" => (o.Offerer.Num("channel_open", "setup_ms"), "ms"),
                "rss_hello" => (o.Offerer.PeakRssKiB / 1024.0, "MiB"),
                "bulk_65535" or "bulk_262144" or "channels8" => (Num(o.Offerer.Result, "mbps"), "Mbit/s"),
                "rtt_p50" or "unordered_rtt_p50" => (Num(o.Offerer.Result, "rtt_p50_ms"), "ms"),
                _ => (Num(o.Offerer.Result, "rtt_p99_ms"), "ms"),
            };
            Samples.Add(Bench, f, impl, value, unit, o.Round);
        }
    }

    private static void AddRelaySamples(string path, RunOutcome o)
    {
        if (Impl(o.Pairing) is not { } impl) return;
        var figure = $"relay_{path.Replace('-', '_')}_{(o.Mode == "hello" ? "setup" : "bulk")}";
        if (!o.Ok) Samples.Fail(Bench, figure, impl, o.Error!, o.Round);
        else if (o.Mode == "hello") Samples.Add(Bench, figure, impl, o.Offerer.Num("channel_open", "setup_ms"), "ms", o.Round);
        else Samples.Add(Bench, figure, impl, Num(o.Offerer.Result, "mbps"), "Mbit/s", o.Round);
    }

    /// <summary>
    /// The memory floor under a hello (<see cref="RssFloor"/>): each of our builds that the run
    /// measures, in the same process settings as its peer, doing only what a hello needs of the
    /// runtime and the framework. Its peak RSS is what no .NET peer on that host can go below.
    /// </summary>
    private static async Task FloorRoundsAsync(Settings s)
    {
        List<(PeerKind Kind, string Impl)> builds = [(Ours, "webrtcps")];
        if (s.PwshSettings) builds.Add((OursPwsh, "webrtcps-pwsh"));
        if (s.Aot) builds.Add((OursAot, "webrtcps-aot"));
        for (var r = 0; r < s.HelloRuns; r++)
        {
            foreach (var (kind, impl) in builds)
            {
                var tag = $"{Nonce}-floor{r}-{impl}";
                var proc = new PeerProcess { Role = "floor" };
                await RunProcessAsync(Command(kind, ["-rss-floor"]), proc, TimeSpan.FromSeconds(60), null, Path.Combine(_outDir, tag));
                // A JIT host loads an assembly when first used; a Native AOT image lists all it holds.
                var engine = !kind.Aot && proc.Result?["assemblies"] is System.Text.Json.Nodes.JsonArray loaded
                    ? loaded.Select(a => (string?)a).FirstOrDefault(a => a?.StartsWith("WebRtcPS", StringComparison.Ordinal) == true) : null;
                var why = proc.Result?["ok"]?.GetValue<bool>() != true ? $"no result (exit {proc.ExitCode}) {Tail(proc.Stderr)}"
                    : engine is not null ? $"the floor loaded {engine}" : null;
                if (why is not null)
                {
                    Console.WriteLine($"  floor round {r + 1,2}/{s.HelloRuns} {impl,-30} FAILED: {why}");
                    Samples.Fail(Bench, "rss_floor", impl, why, r);
                    continue;
                }
                Samples.Add(Bench, "rss_floor", impl, proc.PeakRssKiB / 1024.0, "MiB", r);
                Console.WriteLine($"  floor round {r + 1,2}/{s.HelloRuns} {impl,-30} peak RSS {proc.PeakRssKiB / 1024.0:0.0} MiB");
            }
        }
    }

    private static async Task ManyRoundsAsync(Settings s)
    {
        for (var r = 0; r < s.ManyRuns; r++)
        {
            var tag = $"{Nonce}-many{r}";
            var timeout = TimeSpan.FromSeconds(180);
            // -warmup 1: one hello pair first, so that "before" is a warm process and the per-peer
            // increment is the peers' memory, not the JIT's.
            List<string> args = ["-signaling-addr", _signaling.ToString().TrimEnd('/'), "-loopback-only", "-id", tag,
                "-many", s.ManyPeers.ToString(CultureInfo.InvariantCulture), "-warmup", "1", "-timeout", $"{(int)timeout.TotalSeconds}s"];
            var proc = new PeerProcess { Role = "many" };
            await RunProcessAsync(Command(Ours, args), proc, timeout + TimeSpan.FromSeconds(30), null, Path.Combine(_outDir, tag));
            var res = proc.Result;
            if (res is null || res["ok"]?.GetValue<bool>() != true)
            {
                var why = res is null ? $"no result (exit {proc.ExitCode}) {Tail(proc.Stderr)}" : (string?)res["reason"] ?? "failed";
                Console.WriteLine($"  many  round {r + 1,2}/{s.ManyRuns} FAILED: {why}");
                foreach (var f in new[] { "many_connect_all", "many_rss", "many_rss_per_peer" }) Samples.Fail(Bench, f, "webrtcps", why, r);
                continue;
            }
            Samples.Add(Bench, "many_connect_all", "webrtcps", Num(res, "connect_all_ms"), "ms", r);
            Samples.Add(Bench, "many_rss", "webrtcps", proc.PeakRssKiB / 1024.0, "MiB", r);
            Samples.Add(Bench, "many_rss_per_peer", "webrtcps", Num(res, "rss_per_peer_mib"), "MiB", r);
            Console.WriteLine($"  many  round {r + 1,2}/{s.ManyRuns} {s.ManyPeers} peers connected in {Num(res, "connect_all_ms"):0} ms, RSS {Num(res, "rss_before_mib"):0.0} -> {Num(res, "rss_open_mib"):0.0} MiB ({Num(res, "rss_per_peer_mib"):0.000} MiB/peer), peak {proc.PeakRssKiB / 1024.0:0.0} MiB");
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Bench.Peers;

/// <summary>One side of a pairing: our peer (the ReadyToRun publish of this program with --peer, or
/// with <c>Jit</c> another JIT-hosted build of it (JitBuilds), or with <c>Aot</c> the Native AOT
/// build of the same peer, aot/), tests/interop's pion-peer, or its aiortc-peer.</summary>
internal sealed record PeerKind(string Name, bool Ours, int Warmup = 0, bool Aiortc = false, bool Aot = false, JitBuild Jit = JitBuild.Default);

/// <summary>Which JIT-hosted build of our peer (JitBuilds): the default is ReadyToRun when r2r/ exists.</summary>
internal enum JitBuild { Default, Il, PwshSettings }

/// <summary>A pairing: who offers (and sends bulk / pings), who answers (and receives / echoes).</summary>
internal sealed record Pairing(string Name, PeerKind Offerer, PeerKind Answerer);

/// <summary>What one peer process did: its JSON events, exit code, peak RSS.</summary>
internal sealed class PeerProcess
{
    public required string Role { get; init; }
    public List<JsonObject> Events { get; } = [];
    public int? ExitCode { get; set; }
    public long PeakRssKiB { get; set; }
    /// <summary>User + system CPU seconds (from rss-wrap; null when polling).</summary>
    public double? CpuSeconds { get; set; }
    public string Stderr { get; set; } = "";
    public JsonObject? Result => Events.LastOrDefault(e => (string?)e["event"] == "result");
    public double? Num(string eventName, string field) =>
        Events.LastOrDefault(e => (string?)e["event"] == eventName)?[field] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
}

internal sealed record RunOutcome(Pairing Pairing, string Mode, int Round, PeerProcess Offerer, PeerProcess Answerer, string? Error)
{
    public bool Ok => Error is null;
}

/// <summary>
/// The benchmark: WebRtcPS↔WebRtcPS, pion↔pion and WebRtcPS(offerer)↔pion(answerer), each pair a
/// fresh pair of processes talking through one in-process SignalingServer, pairings alternated
/// round by round: setup (hello), bulk throughput, echo RTT, and every process's peak RSS.
/// </summary>
internal static partial class Orchestrator
{
    /// <summary>Appended to every peer's flags (relay mode: -ice-servers ... -relay-only).</summary>
    private static string[] _extraArgs = [];
    /// <summary>Set in every peer's environment (relay mode: SSL_CERT_FILE for pion's turns:).</summary>
    private static readonly Dictionary<string, string> Env = [];

    private sealed class Settings
    {
        public int HelloRuns = 11;
        public int BulkRuns = 3;
        public long BulkBytes = 200L << 20;
        public int BulkMsgSize = 65535;
        public int PingRuns = 1;
        public int PingCount = 1000;
        public int PingMsgSize = 100;
        public bool Warm = true;
        public string[]? Pairings;   // --pairings: only these (by name), for A/B runs of one figure
        public bool Reverse;
        /// <summary>Our peers write /proc/self/smaps at exit beside their logs (-smaps).</summary>
        public bool Smaps;
        public string? PionPeer;
        public string? OutDir;
        public HashSet<string> Only = ["hello", "bulk", "ping"];
        public bool Relay;
        /// <summary>Adds the Native AOT peer's pairings (aot/; published when missing).</summary>
        public bool Aot;
        /// <summary>Adds the IL (no ReadyToRun images) JIT peer's pairings.</summary>
        public bool Il;
        /// <summary>Adds pairings of the ReadyToRun peer under pwsh's runtime settings.</summary>
        public bool PwshSettings;
        public bool Quick;
        public bool BulkBytesSet;
        public bool HelloSet;
        public bool BulkSet;
        /// <summary>--suite: the issue-15 set (aiortc too, 256 KiB bulk, unordered RTT, many peers); samples.jsonl for bench/report.</summary>
        public bool Suite;
        public int ManyPeers = 100;
        public int ManyRuns = 3;
    }

    private static readonly PeerKind Ours = new("webrtcps", true);
    private static readonly PeerKind OursWarm = new("webrtcps(warm)", true, 1);
    private static readonly PeerKind Pion = new("pion", false);
    private static readonly PeerKind Aiortc = new("aiortc", false, Aiortc: true);
    private static readonly PeerKind OursAot = new("webrtcps-aot", true, Aot: true);

    private static readonly Pairing OursOurs = new("webrtcps<->webrtcps", Ours, Ours);
    private static readonly Pairing PionPion = new("pion<->pion", Pion, Pion);
    private static readonly Pairing OursPion = new("webrtcps->pion", Ours, Pion);
    private static readonly Pairing PionOurs = new("pion->webrtcps", Pion, Ours);
    private static readonly Pairing OursOursWarm = new("webrtcps<->webrtcps warm", OursWarm, OursWarm);
    private static readonly Pairing OursPionWarm = new("webrtcps->pion warm", OursWarm, Pion);
    private static readonly Pairing AiortcAiortc = new("aiortc<->aiortc", Aiortc, Aiortc);
    private static readonly Pairing AotAot = new("webrtcps-aot<->webrtcps-aot", OursAot, OursAot);
    private static readonly Pairing AotPion = new("webrtcps-aot->pion", OursAot, Pion);
    private static readonly PeerKind OursIl = new("webrtcps-il", true, Jit: JitBuild.Il);
    private static readonly PeerKind OursIlWarm = new("webrtcps-il(warm)", true, 1, Jit: JitBuild.Il);
    private static readonly Pairing IlIl = new("webrtcps-il<->webrtcps-il", OursIl, OursIl);
    private static readonly Pairing IlPion = new("webrtcps-il->pion", OursIl, Pion);
    private static readonly Pairing IlIlWarm = new("webrtcps-il<->webrtcps-il warm", OursIlWarm, OursIlWarm);
    private static readonly PeerKind OursPwsh = new("webrtcps-pwshcfg", true, Jit: JitBuild.PwshSettings);
    private static readonly PeerKind OursPwshWarm = new("webrtcps-pwshcfg(warm)", true, 1, Jit: JitBuild.PwshSettings);
    private static readonly Pairing PwshPwsh = new("webrtcps-pwshcfg<->same", OursPwsh, OursPwsh);
    private static readonly Pairing PwshPion = new("webrtcps-pwshcfg->pion", OursPwsh, Pion);
    private static readonly Pairing PwshPwshWarm = new("webrtcps-pwshcfg<->same warm", OursPwshWarm, OursPwshWarm);
    /// <summary>Our pairings that the ratios against pion<->pion are given for (when they ran).</summary>
    private static readonly Pairing[] OursOffering = [OursOurs, OursPion, AotAot, AotPion, IlIl, IlPion, PwshPwsh, PwshPion];

    private static string[] _oursCommand = [];
    private static string[] _aotCommand = [];
    private static string[] _ilCommand = [];
    private static string[] _pwshCommand = [];
    private static string _pionPath = "";
    private static string _aiortcPath = "";
    private static Uri _signaling = null!;
    private static string _outDir = "";
    private static string? _rssWrap;
    private static readonly string Nonce = Guid.NewGuid().ToString("N")[..6];

    public static async Task<int> MainAsync(string[] args)
    {
        var s = new Settings();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--quick":
                        s.HelloRuns = 5;
                        s.BulkRuns = 2;
                        s.BulkBytes = 64L << 20;
                        s.PingCount = 500;
                        s.Quick = true;
                        s.ManyRuns = 1;
                        break;
                    case "--relay": s.Relay = true; break;
                    case "--suite":
                        s.Suite = true;
                        s.Only = ["hello", "bulk", "bulk256", "channels8", "ping", "unordered", "many", "floor"];
                        s.PingRuns = 3;
                        if (!s.BulkBytesSet) s.BulkBytes = 64L << 20;
                        break;
                    case "--many": s.ManyPeers = int.Parse(Next()); break;
                    case "--many-runs": s.ManyRuns = int.Parse(Next()); break;
                    case "--hello": s.HelloRuns = int.Parse(Next()); s.HelloSet = true; break;
                    case "--bulk": s.BulkRuns = int.Parse(Next()); s.BulkSet = true; break;
                    case "--bulk-mib": s.BulkBytes = long.Parse(Next()) << 20; s.BulkBytesSet = true; break;
                    case "--bulk-msg-size": s.BulkMsgSize = int.Parse(Next()); break;
                    case "--ping": s.PingRuns = int.Parse(Next()); break;
                    case "--ping-count": s.PingCount = int.Parse(Next()); break;
                    case "--ping-msg-size": s.PingMsgSize = int.Parse(Next()); break;
                    case "--no-warm": s.Warm = false; break;
                    case "--pairings": s.Pairings = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                    case "--reverse": s.Reverse = true; break;
                    case "--smaps": s.Smaps = true; break;
                    case "--aot": s.Aot = true; break;
                    case "--il": s.Il = true; break;
                    case "--pwsh-settings": s.PwshSettings = true; break;
                    case "--only": s.Only = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                    case "--pion-peer": s.PionPeer = Next(); break;
                    case "--out": s.OutDir = Next(); break;
                    case "-h" or "--help":
                        Console.WriteLine("""
                            usage: PeersBench [--relay|--suite] [--quick] [--many N] [--many-runs N] [--hello N] [--bulk N] [--bulk-mib M] [--bulk-msg-size B] [--ping N]
                                              [--ping-count N] [--ping-msg-size B] [--no-warm] [--pairings NAME,NAME] [--reverse] [--aot] [--il] [--pwsh-settings] [--only hello,bulk,bulk256,channels8,ping,unordered,many,floor]
                                              [--pion-peer PATH] [--out DIR]
                                   PeersBench --peer -role offerer|answerer -signaling-addr URL [pion-peer flags] [-warmup N]
                            """);
                        return 0;
                    default: throw new ArgumentException($"unknown option {args[i]}");
                }
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        if (s.Suite && s.Quick) s.PingRuns = 1;
        if (s.Suite && !s.Quick && !s.HelloSet) s.HelloRuns = 7;
        if (s.Suite && s.Quick && !s.BulkBytesSet) s.BulkBytes = 32L << 20;
        var root = FindRepoRoot();
        _pionPath = s.PionPeer ?? BuildPion(root);
        _ilCommand = JitBuilds.Il();
        var r2r = JitBuilds.ReadyToRun();
        _oursCommand = r2r is null ? _ilCommand : [r2r, "--peer"];
        if (s.Aot) _aotCommand = [PublishAot(root), "--peer"];
        _outDir = s.OutDir ?? Path.Combine(root ?? Directory.GetCurrentDirectory(), "bench", "results", $"peers-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(_outDir);
        if (s.PwshSettings && r2r is null) throw new InvalidOperationException("--pwsh-settings needs the ReadyToRun peer (r2r/, built on linux-x64)");
        if (s.PwshSettings) _pwshCommand = [JitBuilds.PwshSettings(r2r!, _outDir), "--peer"];
        _rssWrap = BuildRssWrap();
        _aiortcPath = Path.Combine(root ?? ".", "tests", "interop", "aiortc-peer", "peer.py");
        Samples.Open(Path.Combine(_outDir, "samples.jsonl"));

        await using var server = await SignalingServer.StartAsync(new SignalingServerOptions { Port = 0, ListenAddress = IPAddress.Loopback });
        _signaling = server.Url;
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        var started = DateTime.UtcNow;
        Console.WriteLine($"# peers-bench {started:u}, {Environment.ProcessorCount} cores, load {loadBefore}");
        Console.WriteLine($"# signaling {_signaling}, pion-peer {_pionPath}, ours ({(r2r is null ? "IL: no r2r/ beside this program" : "ReadyToRun")}): {string.Join(' ', _oursCommand)}{(s.Il ? $", il: {string.Join(' ', _ilCommand)}" : "")}{(s.PwshSettings ? $", pwsh settings: {string.Join(' ', _pwshCommand)}" : "")}{(s.Aot ? $", aot: {string.Join(' ', _aotCommand)}" : "")}");
        Console.WriteLine($"# logs in {_outDir}");
        Console.WriteLine(_rssWrap is null
            ? "# peak RSS: polling /proc/<pid>/status VmHWM every 10 ms (no C compiler for rss-wrap: short-lived processes may be under-counted)"
            : "# peak RSS: ru_maxrss of each peer process after its exit (rss-wrap)");

        if (s.Relay) return await RelayAsync(s, started, loadBefore, root);

        var outcomes = new List<RunOutcome>();
        Pairing[] main = s.Suite ? [OursOurs, PionPion, AiortcAiortc]
            : s.Reverse ? [OursOurs, PionPion, OursPion, PionOurs] : [OursOurs, PionPion, OursPion];
        // The suite measures the AOT engine as a column of its own (AotAot); the mixed pairing only outside it.
        if (s.Aot) main = s.Suite ? [.. main, AotAot] : [.. main, AotAot, AotPion];
        if (s.Il) main = s.Suite ? [.. main, IlIl] : [.. main, IlIl, IlPion];
        if (s.PwshSettings) main = s.Suite ? [.. main, PwshPwsh] : [.. main, PwshPwsh, PwshPion];
        Pairing[] helloPairings = s.Suite ? [.. main, OursOursWarm] : s.Warm ? [.. main, OursOursWarm, OursPionWarm] : main;
        if (s.Warm && s.Il) helloPairings = [.. helloPairings, IlIlWarm];
        if ((s.Warm || s.Suite) && s.PwshSettings) helloPairings = [.. helloPairings, PwshPwshWarm];
        if (s.Pairings is { } only)
        {
            main = [.. main.Where(p => only.Contains(p.Name))];
            helloPairings = [.. helloPairings.Where(p => only.Contains(p.Name))];
        }

        async Task Rounds(string mode, int runs, Pairing[] pairings)
        {
            for (var r = 0; r < runs; r++)
            {
                // Rotate the order each round so that no pairing always runs first after a pause.
                for (var k = 0; k < pairings.Length; k++)
                {
                    var p = pairings[(k + r) % pairings.Length];
                    var o = await RunAsync(s, p, mode, r);
                    outcomes.Add(o);
                    AddSamples(o);
                    Console.WriteLine($"  {mode,-5} round {r + 1,2}/{runs} {p.Name,-30} {Describe(o)}");
                }
            }
        }

        if (s.Only.Contains("hello")) await Rounds("hello", s.HelloRuns, helloPairings);
        if (s.Only.Contains("bulk")) await Rounds("bulk", s.BulkRuns, main);
        if (s.Only.Contains("bulk256")) await Rounds("bulk256", s.BulkRuns, main);
        if (s.Only.Contains("channels8")) await Rounds("channels8", s.BulkRuns, main);
        if (s.Only.Contains("ping")) await Rounds("ping", s.PingRuns, main);
        if (s.Only.Contains("unordered")) await Rounds("unordered", s.PingRuns, main);
        if (s.Only.Contains("many")) await ManyRoundsAsync(s);
        if (s.Only.Contains("floor")) await FloorRoundsAsync(s);

        var loadAfter = File.ReadAllText("/proc/loadavg").Trim();
        var report = Report(s, outcomes, helloPairings, main);
        report["date"] = started.ToString("u");
        report["cores"] = Environment.ProcessorCount;
        report["load_before"] = loadBefore;
        report["load_after"] = loadAfter;
        report["minutes"] = Math.Round((DateTime.UtcNow - started).TotalMinutes, 1);
        var json = new JsonObject { ["peers-bench"] = report }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Console.WriteLine($"# load after: {loadAfter}; {(DateTime.UtcNow - started).TotalMinutes:0.0} min");
        Console.WriteLine(json);
        await File.WriteAllTextAsync(Path.Combine(_outDir, "summary.json"), json + "\n");
        return outcomes.All(o => o.Ok) ? 0 : 1;
    }

    private static string Describe(RunOutcome o)
    {
        if (!o.Ok) return "FAILED: " + o.Error;
        var rss = $"rss {o.Offerer.PeakRssKiB / 1024.0:0.0}/{o.Answerer.PeakRssKiB / 1024.0:0.0} MiB";
        return o.Mode switch
        {
            "hello" => $"setup {o.Offerer.Num("channel_open", "setup_ms"):0.0} ms  {rss}",
            "bulk" or "bulk256" or "channels8" => $"{Num(o.Offerer.Result, "mbps"):0.0} Mbit/s (receiver {Num(o.Answerer.Result, "mbps"):0.0})  {rss}",
            "ping" or "unordered" => $"p50 {Num(o.Offerer.Result, "rtt_p50_ms"):0.000} p99 {Num(o.Offerer.Result, "rtt_p99_ms"):0.000} ms  {rss}",
            _ => "",
        };
    }

    private static double? Num(JsonObject? o, string field) => o?[field] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static string? FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "tests", "interop", "build-go.sh"))) return d.FullName;
        }
        return null;
    }

    private static string BuildPion(string? root)
    {
        if (root is null) throw new InvalidOperationException("tests/interop/build-go.sh not found (run from the repository, or pass --pion-peer PATH)");
        var psi = new ProcessStartInfo(Path.Combine(root, "tests", "interop", "build-go.sh")) { RedirectStandardOutput = true };
        psi.ArgumentList.Add("pion-peer");
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"build-go.sh pion-peer failed ({p.ExitCode})");
        return output.Split('\n')[^1];
    }

    /// <summary>
    /// The Native AOT peer (aot/PeersPeer.csproj), published with <c>dotnet publish -r linux-x64</c>
    /// on every run (the ILCompiler packages must restore): incremental, so a few seconds when
    /// nothing changed, and never a binary older than the engine it is compared with.
    /// </summary>
    private static string PublishAot(string? root)
    {
        if (root is null) throw new InvalidOperationException("bench/peers/aot not found (run from the repository)");
        var project = Path.Combine(root, "bench", "peers", "aot");
        var bin = Path.Combine(project, "bin", "Release", "net10.0", "linux-x64", "publish", "PeersPeer");
        Console.WriteLine("# publishing the Native AOT peer (bench/peers/aot): a few minutes when the engine changed");
        var psi = new ProcessStartInfo("dotnet");
        foreach (var a in new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "-v", "q" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0 || !File.Exists(bin)) throw new InvalidOperationException($"dotnet publish bench/peers/aot failed ({p.ExitCode})");
        return bin;
    }

    /// <summary>Compiles rss-wrap.c (copied next to this program) with cc; null when that fails.</summary>
    private static string? BuildRssWrap()
    {
        var src = Path.Combine(AppContext.BaseDirectory, "rss-wrap.c");
        var bin = Path.Combine(AppContext.BaseDirectory, "rss-wrap");
        if (!File.Exists(src)) return null;
        if (File.Exists(bin) && File.GetLastWriteTimeUtc(bin) >= File.GetLastWriteTimeUtc(src)) return bin;
        try
        {
            var psi = new ProcessStartInfo("cc") { RedirectStandardError = true };
            foreach (var a in new[] { "-O2", "-o", bin, src }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode == 0) return bin;
            Console.Error.WriteLine($"cc rss-wrap.c failed: {err}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Console.Error.WriteLine($"no C compiler for rss-wrap ({ex.Message})");
        }
        return null;
    }

    private static async Task<RunOutcome> RunAsync(Settings s, Pairing p, string mode, int round)
    {
        var tag = $"{Nonce}-{mode}{round}-{p.Name.Replace("<->", "-").Replace("->", "-").Replace(' ', '-').Replace("(", "").Replace(")", "")}";
        string[] common = ["-signaling-addr", _signaling.ToString().TrimEnd('/'), "-loopback-only", .. _extraArgs];
        List<string> off = [.. common, "-role", "offerer", "-id", tag + "-o", "-remote-id", tag + "-a"];
        List<string> ans = [.. common, "-role", "answerer", "-id", tag + "-a", "-remote-id", tag + "-o"];
        TimeSpan timeout;
        switch (mode)
        {
            case "hello":
                off.AddRange(["-mode", "hello"]);
                ans.AddRange(["-mode", "hello"]);
                timeout = TimeSpan.FromSeconds(60);
                break;
            case "bulk" or "bulk256" or "channels8":
                var size = (mode == "bulk256" ? 256 * 1024 : s.BulkMsgSize).ToString(CultureInfo.InvariantCulture);
                // aiortc sends ~10 Mbit/s: a quarter of the bytes (at most 16 MiB) keeps its runs under ~15 s.
                var bytes = p.Offerer.Aiortc ? Math.Min(s.BulkBytes / 4, 16L << 20) : s.BulkBytes;
                off.AddRange(["-mode", "bulk", "-bytes", bytes.ToString(CultureInfo.InvariantCulture), "-msg-size", size]);
                ans.AddRange(["-mode", "bulk", "-bytes", "0", "-msg-size", size]);
                // The same bytes over 8 data channels of one connection, bytes/8 on each in parallel.
                if (mode == "channels8")
                {
                    off.AddRange(["-channels", "8"]);
                    ans.AddRange(["-channels", "8"]);
                }
                timeout = TimeSpan.FromSeconds(s.Suite ? 120 : 600);
                break;
            case "unordered":
                // RFC 8831 §6.1: unordered, partial reliability with no retransmission.
                string[] unreliable = ["-ordered=false", "-max-retransmits", "0"];
                off.AddRange(["-mode", "ping", "-count", s.PingCount.ToString(CultureInfo.InvariantCulture), "-msg-size", s.PingMsgSize.ToString(CultureInfo.InvariantCulture), .. unreliable]);
                ans.AddRange(["-mode", "echo", .. unreliable]);
                timeout = TimeSpan.FromSeconds(60);
                break;
            default:
                off.AddRange(["-mode", "ping", "-count", s.PingCount.ToString(CultureInfo.InvariantCulture), "-msg-size", s.PingMsgSize.ToString(CultureInfo.InvariantCulture)]);
                ans.AddRange(["-mode", "echo"]);
                timeout = TimeSpan.FromSeconds(120);
                break;
        }
        var t = $"{(int)timeout.TotalSeconds}s";
        off.AddRange(["-timeout", t]);
        ans.AddRange(["-timeout", t]);
        if (p.Offerer.Warmup > 0) off.AddRange(["-warmup", p.Offerer.Warmup.ToString(CultureInfo.InvariantCulture)]);
        if (p.Answerer.Warmup > 0) ans.AddRange(["-warmup", p.Answerer.Warmup.ToString(CultureInfo.InvariantCulture)]);

        if (s.Smaps && p.Offerer.Ours) off.AddRange(["-smaps", Path.Combine(_outDir, tag + "-o.smaps")]);
        if (s.Smaps && p.Answerer.Ours) ans.AddRange(["-smaps", Path.Combine(_outDir, tag + "-a.smaps")]);

        var answerer = new PeerProcess { Role = "answerer" };
        var offerer = new PeerProcess { Role = "offerer" };
        var ansReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ansTask = RunProcessAsync(Command(p.Answerer, ans), answerer, timeout + TimeSpan.FromSeconds(30), ansReady, Path.Combine(_outDir, tag + "-a"));
        var ready = await Task.WhenAny(ansReady.Task, ansTask, Task.Delay(TimeSpan.FromSeconds(60)));
        string? error = null;
        if (ready != ansReady.Task)
        {
            error = "the answerer did not become ready";
            await ansTask;
        }
        else
        {
            var offTask = RunProcessAsync(Command(p.Offerer, off), offerer, timeout + TimeSpan.FromSeconds(30), null, Path.Combine(_outDir, tag + "-o"));
            await Task.WhenAll(offTask, ansTask);
        }
        error ??= Check(mode, offerer, answerer);
        return new RunOutcome(p, mode, round, offerer, answerer, error);
    }

    private static string? Check(string mode, PeerProcess off, PeerProcess ans)
    {
        foreach (var x in new[] { off, ans })
        {
            if (x.Result is not { } r) return $"{x.Role}: no result (exit {x.ExitCode}) {Tail(x.Stderr)}";
            if (r["ok"]?.GetValue<bool>() != true) return $"{x.Role}: {(string?)r["reason"]}";
        }
        switch (mode)
        {
            case "hello" when off.Num("channel_open", "setup_ms") is null:
                return "offerer: no setup_ms";
            case "bulk" or "bulk256" or "channels8": // channels8: the SHA-256 of the 8 channels' SHA-256s
                var a = (string?)off.Result!["sha256"];
                var b = (string?)ans.Result!["sha256"];
                if (a is null || a != b) return $"SHA-256 differs: sender {a}, receiver {b}";
                break;
        }
        return null;
    }

    private static string Tail(string s) => s.Length > 300 ? s[^300..] : s;

    private static string[] Command(PeerKind kind, List<string> args)
    {
        string[] command = kind.Aot ? [.. _aotCommand, .. args]
            : kind.Ours ? kind.Jit switch { JitBuild.Il => [.. _ilCommand, .. args], JitBuild.PwshSettings => [.. _pwshCommand, .. args], _ => [.. _oursCommand, .. args] }
            : kind.Aiortc ? ["/usr/bin/python3", _aiortcPath, .. args] : [_pionPath, .. args];
        return _rssWrap is null ? command : [_rssWrap, .. command];
    }

    /// <summary>Runs one peer process: parses its JSON lines, polls its VmHWM until it exits, keeps its output.</summary>
    private static async Task RunProcessAsync(string[] command, PeerProcess into, TimeSpan limit, TaskCompletionSource? ready, string logBase)
    {
        var psi = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in command[1..]) psi.ArgumentList.Add(a);
        foreach (var (k, v) in Env) psi.Environment[k] = v;
        using var proc = Process.Start(psi)!;
        var pid = proc.Id;
        var stdout = new StringBuilder();
        var reader = Task.Run(async () =>
        {
            while (await proc.StandardOutput.ReadLineAsync() is { } line)
            {
                stdout.AppendLine(line);
                try
                {
                    if (JsonNode.Parse(line) is JsonObject e)
                    {
                        lock (into.Events) into.Events.Add(e);
                        switch ((string?)e["event"])
                        {
                            case "ready":
                                ready?.TrySetResult();
                                break;
                            case "rusage":
                                into.PeakRssKiB = e["maxrss_kib"]!.GetValue<long>();
                                into.CpuSeconds = e["utime_s"]!.GetValue<double>() + e["stime_s"]!.GetValue<double>();
                                break;
                        }
                    }
                }
                catch (JsonException)
                {
                }
            }
        });
        var stderr = proc.StandardError.ReadToEndAsync();
        var poll = Task.Run(async () =>
        {
            while (_rssWrap is null && !proc.HasExited)
            {
                into.PeakRssKiB = Math.Max(into.PeakRssKiB, ReadHwmKiB(pid));
                await Task.Delay(10);
            }
        });
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await proc.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            proc.Kill(entireProcessTree: true);
            await proc.WaitForExitAsync();
        }
        await Task.WhenAll(reader, poll);
        into.ExitCode = proc.ExitCode;
        into.Stderr = await stderr;
        await File.WriteAllTextAsync(logBase + ".jsonl", stdout.ToString());
        if (into.Stderr.Length > 0) await File.WriteAllTextAsync(logBase + ".stderr", into.Stderr);
    }

    private static long ReadHwmKiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().ToString().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return 0;
    }

    // ---- report ----

    private static double Median(IReadOnlyList<double> xs)
    {
        if (xs.Count == 0) return double.NaN;
        var s = xs.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private sealed record Metric(string Name, string Unit, string Mode, Func<RunOutcome, double?> Get, string Format);

    private static JsonObject Report(Settings s, List<RunOutcome> outcomes, Pairing[] helloPairings, Pairing[] main)
    {
        var metrics = new[]
        {
            new Metric("setup (offer created -> channel open)", "ms", "hello", o => o.Offerer.Num("channel_open", "setup_ms"), "0.0"),
            new Metric($"bulk {s.BulkBytes >> 20} MiB x {s.BulkMsgSize} B, sender (until done marker)", "Mbit/s", "bulk", o => Num(o.Offerer.Result, "mbps"), "0.0"),
            new Metric("bulk, receiver (first to last byte)", "Mbit/s", "bulk", o => Num(o.Answerer.Result, "mbps"), "0.0"),
            new Metric($"echo RTT p50 ({s.PingCount} x {s.PingMsgSize} B)", "ms", "ping", o => Num(o.Offerer.Result, "rtt_p50_ms"), "0.000"),
            new Metric("echo RTT p99", "ms", "ping", o => Num(o.Offerer.Result, "rtt_p99_ms"), "0.000"),
            new Metric("peak RSS hello, offerer", "MiB", "hello", o => o.Offerer.PeakRssKiB / 1024.0, "0.0"),
            new Metric("peak RSS hello, answerer", "MiB", "hello", o => o.Answerer.PeakRssKiB / 1024.0, "0.0"),
            new Metric("peak RSS bulk, sender", "MiB", "bulk", o => o.Offerer.PeakRssKiB / 1024.0, "0.0"),
            new Metric("peak RSS bulk, receiver", "MiB", "bulk", o => o.Answerer.PeakRssKiB / 1024.0, "0.0"),
            new Metric("peak RSS ping, pinger", "MiB", "ping", o => o.Offerer.PeakRssKiB / 1024.0, "0.0"),
            new Metric("peak RSS ping, echo", "MiB", "ping", o => o.Answerer.PeakRssKiB / 1024.0, "0.0"),
            new Metric("CPU time (user+sys) bulk, sender", "s", "bulk", o => o.Offerer.CpuSeconds, "0.00"),
            new Metric("CPU time (user+sys) bulk, receiver", "s", "bulk", o => o.Answerer.CpuSeconds, "0.00"),
            new Metric("CPU time (user+sys) hello, offerer", "s", "hello", o => o.Offerer.CpuSeconds, "0.00"),
            new Metric($"bulk over 8 channels in parallel, {s.BulkBytes >> 20} MiB x {s.BulkMsgSize} B, sender", "Mbit/s", "channels8", o => Num(o.Offerer.Result, "mbps"), "0.0"),
            new Metric("bulk over 8 channels, receiver", "Mbit/s", "channels8", o => Num(o.Answerer.Result, "mbps"), "0.0"),
        };
        var medians = new JsonObject();
        var all = new Dictionary<(string Metric, string Pairing), double>();
        Console.WriteLine();
        foreach (var m in metrics)
        {
            var pairings = m.Mode == "hello" ? helloPairings : main;
            var runs = outcomes.Where(o => o.Mode == m.Mode).ToList();
            if (runs.Count == 0) continue;
            Console.WriteLine($"## {m.Name} [{m.Unit}] — median (min–max) n");
            var byPairing = new JsonObject();
            foreach (var p in pairings)
            {
                var mine = runs.Where(o => o.Pairing == p).ToList();
                var xs = mine.Where(o => o.Ok).Select(m.Get).Where(v => v is not null).Select(v => v!.Value).ToList();
                var failed = mine.Count(o => !o.Ok);
                if (xs.Count == 0)
                {
                    Console.WriteLine($"   {p.Name,-30} no data{(failed > 0 ? $" ({failed} failed)" : "")}");
                    continue;
                }
                var med = Median(xs);
                all[(m.Name, p.Name)] = med;
                byPairing[p.Name] = new JsonObject
                {
                    ["median"] = Math.Round(med, 4), ["min"] = Math.Round(xs.Min(), 4), ["max"] = Math.Round(xs.Max(), 4),
                    ["n"] = xs.Count, ["failed"] = failed,
                    ["values"] = new JsonArray([.. xs.Select(x => (JsonNode?)JsonValue.Create(Math.Round(x, 4)))]),
                };
                Console.WriteLine($"   {p.Name,-30} {med.ToString(m.Format, CultureInfo.InvariantCulture),10}  ({xs.Min().ToString(m.Format, CultureInfo.InvariantCulture)}–{xs.Max().ToString(m.Format, CultureInfo.InvariantCulture)}) n={xs.Count}{(failed > 0 ? $", {failed} failed" : "")}");
            }
            medians[m.Name] = byPairing;
        }

        // Targets: throughput >= 1.5x pion, setup <= 0.8x pion, RTT p50 <= pion.
        var ratios = new JsonObject();
        Console.WriteLine();
        Console.WriteLine("## ratios vs pion<->pion (medians)");
        void Ratio(string label, string metric, string pairing, string op, double target)
        {
            if (!all.TryGetValue((metric, pairing), out var mine) || !all.TryGetValue((metric, PionPion.Name), out var pion) || pion == 0) return;
            var r = mine / pion;
            bool? met = op switch { ">=" => r >= target, "<=" => r <= target, _ => null };
            var mark = met is null ? "" : $"target {op} {target:0.##}x  {(met.Value ? "MET" : "NOT MET")}";
            Console.WriteLine($"   {label,-48} {pairing,-30} {r,7:0.000}x  {mark}");
            ratios[$"{label} | {pairing}"] = new JsonObject { ["ratio"] = Math.Round(r, 4), ["target"] = op == "" ? null : $"{op} {target}", ["met"] = met };
        }
        var setup = metrics[0].Name;
        foreach (var p in OursOffering) Ratio("setup, cold processes (headline)", setup, p.Name, "<=", 0.8);
        foreach (var p in new[] { OursOursWarm, OursPionWarm, IlIlWarm, PwshPwshWarm }) Ratio("setup, ours warmed in-process (pion cold)", setup, p.Name, "<=", 0.8);
        foreach (var p in OursOffering) Ratio("bulk throughput (sender)", metrics[1].Name, p.Name, ">=", 1.5);
        foreach (var p in OursOffering) Ratio("bulk throughput (receiver)", metrics[2].Name, p.Name, "", 0);
        foreach (var p in OursOffering) Ratio("echo RTT p50", metrics[3].Name, p.Name, "<=", 1.0);
        foreach (var p in OursOffering) Ratio("echo RTT p99", metrics[4].Name, p.Name, "", 0);
        // Per-process figures: in webrtcps->pion the answerer-side process is pion, so only the offerer's compares.
        foreach (var m in metrics.Skip(5))
            foreach (var p in OursOffering)
                if (p.Answerer.Ours || !(m.Name.EndsWith("answerer", StringComparison.Ordinal) || m.Name.EndsWith("receiver", StringComparison.Ordinal) || m.Name.EndsWith("echo", StringComparison.Ordinal)))
                    Ratio(m.Name, m.Name, p.Name, "", 0);
        if (s.Reverse)
            foreach (var m in metrics.Take(5))
                Ratio(m.Name, m.Name, PionOurs.Name, "", 0);
        if (s.Reverse)
            foreach (var m in metrics.Skip(5))
                if (m.Name.EndsWith("answerer", StringComparison.Ordinal) || m.Name.EndsWith("receiver", StringComparison.Ordinal) || m.Name.EndsWith("echo", StringComparison.Ordinal))
                    Ratio(m.Name, m.Name, PionOurs.Name, "", 0);

        // pion's setup is bimodal (~10 ms, or ~1,010 ms when it waits out its peer-reflexive
        // acceptance delay): say how often each mode came up, and compare with its fast mode too.
        var pionSetups = outcomes.Where(o => o.Ok && o.Mode == "hello" && o.Pairing == PionPion)
            .Select(o => o.Offerer.Num("channel_open", "setup_ms")).Where(v => v is not null).Select(v => v!.Value).ToList();
        if (pionSetups.Count > 0)
        {
            var fast = pionSetups.Where(v => v < 500).ToList();
            Console.WriteLine($"   pion<->pion setup: {fast.Count}/{pionSetups.Count} runs in the fast mode (< 500 ms){(fast.Count > 0 ? $", fast-mode median {Median(fast):0.0} ms" : "")}");
            ratios["pion setup fast-mode runs"] = $"{fast.Count}/{pionSetups.Count}";
            if (fast.Count > 0)
            {
                var fm = Median(fast);
                ratios["pion setup fast-mode median ms"] = Math.Round(fm, 3);
                foreach (var p in new[] { OursOurs, OursPion, OursOursWarm, OursPionWarm, AotAot, AotPion, IlIl, IlPion, IlIlWarm, PwshPwsh, PwshPion, PwshPwshWarm })
                {
                    if (!all.TryGetValue((setup, p.Name), out var mine)) continue;
                    Console.WriteLine($"   {"setup vs pion's fast-mode median (info)",-48} {p.Name,-30} {mine / fm,7:0.000}x");
                    ratios[$"setup vs pion fast-mode median | {p.Name}"] = Math.Round(mine / fm, 4);
                }
            }
        }

        return new JsonObject
        {
            ["settings"] = new JsonObject
            {
                ["hello_runs"] = s.HelloRuns, ["bulk_runs"] = s.BulkRuns, ["bulk_bytes"] = s.BulkBytes, ["bulk_msg_size"] = s.BulkMsgSize,
                ["ping_runs"] = s.PingRuns, ["ping_count"] = s.PingCount, ["ping_msg_size"] = s.PingMsgSize, ["warm"] = s.Warm,
                ["reverse"] = s.Reverse, ["only"] = string.Join(',', s.Only),
            },
            ["failures"] = outcomes.Count(o => !o.Ok),
            ["failure_reasons"] = new JsonArray([.. outcomes.Where(o => !o.Ok).Select(o => (JsonNode?)JsonValue.Create($"{o.Mode} {o.Pairing.Name} round {o.Round + 1}: {o.Error}"))]),
            ["medians"] = medians,
            ["ratios"] = ratios,
        };
    }
}

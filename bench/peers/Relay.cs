using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebRtcPS.Bench.Peers;

/// <summary>
/// --relay: setup and bulk throughput direct (loopback host candidates) and relayed through a local
/// coturn over UDP, TCP and TLS (-relay-only on both peers), WebRtcPS↔WebRtcPS next to pion↔pion.
/// </summary>
internal static partial class Orchestrator
{
    private const string TurnUser = "alice", TurnPassword = "secret";

    private sealed record RelayPath(string Name, string[] Args);

    private static async Task<int> RelayAsync(Settings s, DateTime started, string loadBefore, string? root)
    {
        if (root is null) throw new InvalidOperationException("repository root not found (tests/interop/coturn)");
        // --suite: fewer runs per cell (three paths, three implementations) to fit the suite's time.
        if (!s.HelloSet) s.HelloRuns = s.Suite ? (s.Quick ? 3 : 5) : s.Quick ? 5 : 11;
        if (!s.BulkSet) s.BulkRuns = s.Suite ? (s.Quick ? 1 : 2) : s.Quick ? 2 : 3;
        if (!s.BulkBytesSet) s.BulkBytes = (s.Quick || s.Suite ? 32L : 64L) << 20;

        await using var coturn = await Coturn.StartAsync(root);
        Console.WriteLine($"# coturn on 127.0.0.1:{coturn.Port} (udp/tcp), tls {coturn.TlsPort}; dir {coturn.Dir}");
        Env["SSL_CERT_FILE"] = Path.Combine(coturn.Dir, "cert.pem");
        string[] cred = ["-ice-username", TurnUser, "-ice-password", TurnPassword, "-relay-only"];
        RelayPath[] paths =
        [
            new("direct", []),
            new("turn-udp", ["-ice-servers", $"turn:127.0.0.1:{coturn.Port}?transport=udp", .. cred]),
            new("turn-tcp", ["-ice-servers", $"turn:127.0.0.1:{coturn.Port}?transport=tcp", .. cred]),
            new("turn-tls", ["-ice-servers", $"turns:127.0.0.1:{coturn.TlsPort}?transport=tcp", .. cred]),
        ];
        // --suite: aiortc too, and no direct path (the suite's main runs measure it).
        Pairing[] pairings = s.Suite ? [OursOurs, PionPion, AiortcAiortc] : [OursOurs, PionPion];
        if (s.Suite) paths = paths[1..];
        var outcomes = new List<(string Path, RunOutcome O)>();
        foreach (var path in paths)
        {
            _extraArgs = path.Args;
            foreach (var (mode, runs) in new[] { ("hello", s.HelloRuns), ("bulk", s.BulkRuns) })
            {
                for (var r = 0; r < runs; r++)
                {
                    for (var k = 0; k < pairings.Length; k++)
                    {
                        var p = pairings[(k + r) % pairings.Length];
                        var o = await RunAsync(s, p, mode, r);
                        outcomes.Add((path.Name, o));
                        AddRelaySamples(path.Name, o);
                        Console.WriteLine($"  {path.Name,-8} {mode,-5} round {r + 1,2}/{runs} {p.Name,-20} {Describe(o)}{RelayCheck(path, o)}");
                    }
                }
            }
        }
        _extraArgs = [];

        var loadAfter = File.ReadAllText("/proc/loadavg").Trim();
        var rows = new JsonArray();
        Console.WriteLine();
        Console.WriteLine($"# relayed vs direct: setup = offerer's setup_ms median of {s.HelloRuns}; bulk = {s.BulkBytes >> 20} MiB in {s.BulkMsgSize}-byte messages, sender Mbit/s median of {s.BulkRuns}");
        Console.WriteLine($"| path | webrtcps setup ms | pion setup ms | ours/pion | webrtcps bulk Mbit/s | pion bulk Mbit/s | ours/pion | failed runs |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var path in paths)
        {
            double Med(Pairing p, string mode) => Median(outcomes
                .Where(x => x.Path == path.Name && x.O.Pairing == p && x.O.Mode == mode && x.O.Ok)
                .Select(x => mode == "hello" ? x.O.Offerer.Num("channel_open", "setup_ms") : Num(x.O.Offerer.Result, "mbps"))
                .Where(v => v is not null).Select(v => v!.Value).ToList());
            var failed = outcomes.Count(x => x.Path == path.Name && !x.O.Ok);
            double os = Med(OursOurs, "hello"), ps = Med(PionPion, "hello"), ob = Med(OursOurs, "bulk"), pb = Med(PionPion, "bulk");
            Console.WriteLine($"| {path.Name} | {os:0.0} | {ps:0.0} | {os / ps:0.00} | {ob:0.0} | {pb:0.0} | {ob / pb:0.00} | {failed} |");
            rows.Add(new JsonObject
            {
                ["path"] = path.Name,
                ["webrtcps_setup_ms"] = J(os), ["pion_setup_ms"] = J(ps),
                ["webrtcps_bulk_mbps"] = J(ob), ["pion_bulk_mbps"] = J(pb),
                ["failed"] = failed,
            });
        }
        var report = new JsonObject
        {
            ["date"] = started.ToString("u"),
            ["cores"] = Environment.ProcessorCount,
            ["load_before"] = loadBefore,
            ["load_after"] = loadAfter,
            ["hello_runs"] = s.HelloRuns,
            ["bulk_runs"] = s.BulkRuns,
            ["bulk_bytes"] = s.BulkBytes,
            ["msg_size"] = s.BulkMsgSize,
            ["minutes"] = Math.Round((DateTime.UtcNow - started).TotalMinutes, 1),
            ["paths"] = rows,
        };
        var json = new JsonObject { ["peers-relay-bench"] = report }.ToJsonString();
        Console.WriteLine($"# load after: {loadAfter}; {(DateTime.UtcNow - started).TotalMinutes:0.0} min");
        Console.WriteLine(json);
        await File.WriteAllTextAsync(Path.Combine(_outDir, "relay-summary.json"), json + "\n");
        return outcomes.All(x => x.O.Ok) ? 0 : 1;
    }

    private static JsonNode? J(double v) => double.IsNaN(v) || double.IsInfinity(v) ? null : JsonValue.Create(Math.Round(v, 1));

    /// <summary>For relayed paths: warns when the offerer announced a non-relay local candidate.</summary>
    private static string RelayCheck(RelayPath path, RunOutcome o)
    {
        if (path.Name == "direct" || !o.Ok) return "";
        var types = o.Offerer.Events.Where(e => (string?)e["event"] == "candidate" && (string?)e["source"] == "local")
            .Select(e => (string?)e["type"]).Distinct().ToList();
        return types.All(t => t == "relay") ? "" : $"  (local candidate types: {string.Join(',', types)})";
    }

    /// <summary>coturn on 127.0.0.1 as tests/WebRtcPS.Engine.Tests/Turn/CoturnServer.cs starts it.</summary>
    private sealed class Coturn : IAsyncDisposable
    {
        private readonly Process _process;
        public string Dir { get; }
        public int Port { get; }
        public int TlsPort { get; }

        private Coturn(Process p, string dir, int port, int tlsPort) { _process = p; Dir = dir; Port = port; TlsPort = tlsPort; }

        public static async Task<Coturn> StartAsync(string root)
        {
            for (var attempt = 1; ; attempt++)
            {
                var dir = Directory.CreateTempSubdirectory("peersbench-coturn-").FullName;
                Run("openssl", dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", "key.pem", "-out", "cert.pem");
                int port = FreePort(), tlsPort = FreePort();
                while (tlsPort == port) tlsPort = FreePort();
                var relayBase = 20000 + Random.Shared.Next(0, 200) * 100;
                var config = File.ReadAllText(Path.Combine(root, "tests", "interop", "coturn", "turnserver.conf.template"))
                    .Replace("{{PORT}}", port.ToString(CultureInfo.InvariantCulture))
                    .Replace("{{TLS_PORT}}", tlsPort.ToString(CultureInfo.InvariantCulture))
                    .Replace("{{MIN_RELAY_PORT}}", relayBase.ToString(CultureInfo.InvariantCulture))
                    .Replace("{{MAX_RELAY_PORT}}", (relayBase + 99).ToString(CultureInfo.InvariantCulture))
                    .Replace("{{USER}}", TurnUser).Replace("{{PASSWORD}}", TurnPassword).Replace("{{REALM}}", "webrtcps.test")
                    .Replace("{{DIR}}", dir)
                    .Replace("{{MAX_LIFETIME}}", "3600").Replace("{{PERMISSION_LIFETIME}}", "300")
                    .Replace("{{CHANNEL_LIFETIME}}", "600").Replace("{{STALE_NONCE}}", "600");
                var configPath = Path.Combine(dir, "turnserver.conf");
                File.WriteAllText(configPath, config);
                var psi = new ProcessStartInfo("turnserver") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
                psi.ArgumentList.Add("-c");
                psi.ArgumentList.Add(configPath);
                var proc = Process.Start(psi)!;
                proc.OutputDataReceived += (_, _) => { };
                proc.ErrorDataReceived += (_, _) => { };
                proc.BeginOutputReadLine();
                proc.BeginErrorReadLine();
                var c = new Coturn(proc, dir, port, tlsPort);
                try
                {
                    await c.WaitReadyAsync(TimeSpan.FromSeconds(20));
                    return c;
                }
                catch (Exception) when (attempt < 4)
                {
                    await c.DisposeAsync();
                }
            }
        }

        private string Log
        {
            get
            {
                var path = Path.Combine(Dir, "turnserver.log");
                if (!File.Exists(path)) return "";
                using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                return new StreamReader(fs).ReadToEnd();
            }
        }

        private async Task WaitReadyAsync(TimeSpan limit)
        {
            var deadline = DateTime.UtcNow + limit;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var buffer = new byte[1500];
            while (DateTime.UtcNow < deadline)
            {
                if (_process.HasExited) throw new InvalidOperationException($"turnserver exited with {_process.ExitCode}");
                var log = Log;
                if (log.Contains("errno=98")) throw new InvalidOperationException("coturn could not bind its ports");
                if (!log.Contains($"UDP listener opened on: 127.0.0.1:{Port}") || !log.Contains($"TLS/TCP listener opened on : 127.0.0.1:{TlsPort}"))
                {
                    await Task.Delay(20);
                    continue;
                }
                // STUN Binding request: type 0x0001, length 0, magic cookie, 12-byte transaction id.
                var req = new byte[20];
                req[1] = 1;
                req[4] = 0x21; req[5] = 0x12; req[6] = 0xA4; req[7] = 0x42;
                Random.Shared.NextBytes(req.AsSpan(8));
                await udp.SendToAsync(req, SocketFlags.None, new IPEndPoint(IPAddress.Loopback, Port));
                using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                try
                {
                    var got = await udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                    if (got.ReceivedBytes >= 20 && buffer[0] == 0x01 && buffer[1] == 0x01 && buffer.AsSpan(8, 12).SequenceEqual(req.AsSpan(8))) return;
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException)
                {
                }
            }
            throw new TimeoutException("coturn did not answer a STUN Binding");
        }

        private static int FreePort()
        {
            for (var i = 0; i < 50; i++)
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
                try
                {
                    using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                    return port;
                }
                catch (SocketException)
                {
                }
            }
            throw new InvalidOperationException("no free port");
        }

        private static void Run(string file, string dir, params string[] args)
        {
            var psi = new ProcessStartInfo(file) { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {err.Result}");
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }
            _process.Dispose();
            try { Directory.Delete(Dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using WebRtcPS.Bench.DataChannel;
using WebRtcPS.Signaling.Server;

// datachannel-bench: bulk throughput of the WebRtcPS DTLS / SCTP / data-channel layers over loopback UDP.
// See README.md. Exit code 0 when every transfer verified, 1 otherwise, 2 on bad arguments.

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

if (options.Child) return await ChildProcess.RunAsync(options);
if (options.Handshakes > 0) return await Handshakes.RunAsync(options.Handshakes);
using var profiler = options.AllocProfile ? new AllocationProfiler() : null;

var ours = new List<RunResult>();
var pion = new List<PionResult>();
await using SignalingServer? signaling = options.Pion
    ? await SignalingServer.StartAsync(new SignalingServerOptions { Port = 0, ListenAddress = IPAddress.Loopback })
    : null;

// Warm-up (JIT, first handshake) is not counted.
if (options.Warmup)
{
    var warm = options with { Mib = Math.Min(options.Mib, 8) };
    await Bench.RunAsync(warm);
}

for (var round = 1; round <= options.Rounds; round++)
{
    var result = await Bench.RunAsync(options);
    ours.Add(result);
    if (!options.Json) Console.WriteLine($"round {round}: {result.Describe()}");
    else Console.Error.WriteLine($"round {round}: {result.Describe()}");
    if (signaling is not null)
    {
        var p = await PionRunner.RunAsync(signaling.Url, options, round);
        pion.Add(p);
        (options.Json ? Console.Error : Console.Out).WriteLine($"round {round}: pion<->pion {p.Describe()}");
    }
}

profiler?.Report(Console.Error);
var summary = Summary.Build(options, ours, pion);
Console.WriteLine(options.Json ? JsonSerializer.Serialize(summary, SummaryJson.Default.Summary) : summary.Describe());
return summary.Ok ? 0 : 1;

internal sealed record BenchOptions
{
    public const string Usage = """
        usage: datachannel-bench [--mode full|sctp|dtls] [--procs 1|2] [--mib N] [--msg BYTES] [--rounds R]
                                 [--mtu BYTES] [--no-warmup] [--json] [--pion] [--pion-bin PATH] [--alloc-profile] [--trace-sctp]
          --mode full   DTLS + SCTP + data channel (default)   sctp: SCTP + data channel over plain UDP
                 dtls   DTLS records only (MaxDatagramSize records, windowed acks)
          --procs 2     the receiver runs as a child process (this program, re-spawned)
          --pion        also run pion<->pion bulk (tests/interop/bin/pion-peer) in the same run, each round
          --handshakes N  instead: N DTLS handshakes in this process (certificates, wall and CPU per handshake)
        """;

    public string Mode { get; init; } = "full";
    /// <summary>--handshakes N: time N DTLS handshakes instead of a transfer (Handshakes.cs).</summary>
    public int Handshakes { get; init; }
    public int Procs { get; init; } = 1;
    public int Mib { get; init; } = 200;
    public int MessageSize { get; init; } = 65536;
    public int Rounds { get; init; } = 1;
    public int Mtu { get; init; } = 1200;
    public bool Warmup { get; init; } = true;
    public bool Json { get; init; }
    public bool Pion { get; init; }
    public string? PionBin { get; init; }
    public bool Child { get; init; }
    public bool AllocProfile { get; init; }
    public bool TraceSctp { get; init; }

    public long TotalBytes => (long)Mib * 1024 * 1024;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
                ? v : throw new ArgumentException($"{args[i]} needs a positive integer.");
            o = args[i] switch
            {
                "--mode" => o with { Mode = Next() is var m && m is "full" or "sctp" or "dtls" ? m : throw new ArgumentException("--mode is full, sctp or dtls.") },
                "--procs" => o with { Procs = NextInt() is var p && p is 1 or 2 ? p : throw new ArgumentException("--procs is 1 or 2.") },
                "--mib" => o with { Mib = NextInt() },
                "--msg" => o with { MessageSize = NextInt() },
                "--rounds" => o with { Rounds = NextInt() },
                "--mtu" => o with { Mtu = NextInt() },
                "--no-warmup" => o with { Warmup = false },
                "--json" => o with { Json = true },
                "--pion" => o with { Pion = true },
                "--pion-bin" => o with { PionBin = Next(), Pion = true },
                "--child" => o with { Child = true },
                "--handshakes" => o with { Handshakes = NextInt() },
                "--alloc-profile" => o with { AllocProfile = true },
                "--trace-sctp" => o with { TraceSctp = true },
                _ => throw new ArgumentException($"unknown argument {args[i]}"),
            };
        }
        return o;
    }

    public string[] ChildArgs() =>
        ["--child", "--mode", Mode, "--mib", Mib.ToString(CultureInfo.InvariantCulture),
         "--msg", MessageSize.ToString(CultureInfo.InvariantCulture), "--mtu", Mtu.ToString(CultureInfo.InvariantCulture)];
}

/// <summary>What one side measured over its transfer window.</summary>
internal sealed record SideStats
{
    public double Seconds { get; init; }
    public double CpuSeconds { get; init; }
    public long PeakWorkingSet { get; init; }
    public long PacketsSent { get; init; }
    public long PacketsReceived { get; init; }
    public long Retransmissions { get; init; }
    public long Timeouts { get; init; }
    public long UdpSendErrors { get; init; }
    public long Gen0 { get; init; }
    public long Gen1 { get; init; }
    public long Gen2 { get; init; }
    public long AllocatedBytes { get; init; }
    public long Bytes { get; init; }
    public string Sha256 { get; init; } = "";
    public bool Ok { get; init; }
    public string? Error { get; init; }
}

internal sealed record RunResult(string Mode, int Procs, long Bytes, double Seconds, double Mbps, double CpuSeconds,
    long PeakWorkingSet, SideStats Sender, SideStats Receiver, bool Ok)
{
    public string Describe() =>
        $"{Mode}/{(Procs == 1 ? "in-process" : "two-process")} {Bytes / 1048576.0:F0} MiB in {Seconds:F2} s = {Mbps:F0} Mbit/s, " +
        $"cpu {CpuSeconds:F2} s ({CpuSeconds / Seconds * 100:F0}% of one core), peak WS {PeakWorkingSet / 1048576.0:F0} MiB, " +
        $"packets {Sender.PacketsSent}/{Receiver.PacketsReceived} (tx sender / rx receiver), rtx {Sender.Retransmissions} (T3 {Sender.Timeouts}), " +
        $"UDP send errors {Sender.UdpSendErrors}/{Receiver.UdpSendErrors}, " +
        $"GC0/1/2 {Sender.Gen0 + (Procs == 2 ? Receiver.Gen0 : 0)}/{Sender.Gen1 + (Procs == 2 ? Receiver.Gen1 : 0)}/{Sender.Gen2 + (Procs == 2 ? Receiver.Gen2 : 0)}, " +
        $"alloc {(Sender.AllocatedBytes + (Procs == 2 ? Receiver.AllocatedBytes : 0)) / 1048576.0:F0} MiB, sha256 {(Ok ? "ok" : "MISMATCH " + (Receiver.Error ?? Sender.Error))}";
}

internal static class ProcessMeter
{
    public static (TimeSpan Cpu, long Gen0, long Gen1, long Gen2, long Allocated) Snapshot()
    {
        using var self = Process.GetCurrentProcess();
        return (self.TotalProcessorTime, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes(precise: false));
    }

    public static long PeakWorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    public static SideStats Complete(SideStats stats, (TimeSpan Cpu, long Gen0, long Gen1, long Gen2, long Allocated) before)
    {
        var after = Snapshot();
        return stats with
        {
            CpuSeconds = (after.Cpu - before.Cpu).TotalSeconds,
            Gen0 = after.Gen0 - before.Gen0,
            Gen1 = after.Gen1 - before.Gen1,
            Gen2 = after.Gen2 - before.Gen2,
            AllocatedBytes = after.Allocated - before.Allocated,
            PeakWorkingSet = PeakWorkingSet(),
        };
    }
}

internal static class Bench
{
    public static async Task<RunResult> RunAsync(BenchOptions options)
    {
        if (options.Procs == 1)
        {
            var sender = new Peer(options, isSender: true);
            var receiver = new Peer(options, isSender: false);
            await using (sender)
            await using (receiver)
            {
                var before = ProcessMeter.Snapshot();
                sender.SetRemote(receiver.LocalPort, receiver.Fingerprint);
                receiver.SetRemote(sender.LocalPort, sender.Fingerprint);
                var rTask = receiver.RunAsync();
                var sTask = sender.RunAsync();
                await Task.WhenAll(rTask, sTask);
                var s = await sTask;
                var r = await rTask;
                var whole = ProcessMeter.Complete(new SideStats(), before);
                return Make(options, s, r, whole.CpuSeconds, whole.PeakWorkingSet,
                    s with { Gen0 = whole.Gen0, Gen1 = whole.Gen1, Gen2 = whole.Gen2, AllocatedBytes = whole.AllocatedBytes });
            }
        }

        await using var peer = new Peer(options, isSender: true);
        var psi = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Running as "dotnet datachannel-bench.dll": re-spawn the same way.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(typeof(Bench).Assembly.Location);
        foreach (var a in options.ChildArgs()) psi.ArgumentList.Add(a);
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start the receiver process");
        var hello = await child.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the receiver process exited");
        var parts = hello.Split(' ');
        await child.StandardInput.WriteLineAsync($"{peer.LocalPort} {peer.Fingerprint}");
        await child.StandardInput.FlushAsync();
        peer.SetRemote(int.Parse(parts[1], CultureInfo.InvariantCulture), parts.Length > 2 ? parts[2] : "");
        var beforeSender = ProcessMeter.Snapshot();
        var sent = ProcessMeter.Complete(await peer.RunAsync(), beforeSender);
        var line = await child.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the receiver process gave no result");
        await child.WaitForExitAsync();
        var received = JsonSerializer.Deserialize(line, SummaryJson.Default.SideStats)!;
        return Make(options, sent, received, sent.CpuSeconds + received.CpuSeconds,
            Math.Max(sent.PeakWorkingSet, received.PeakWorkingSet), sent);
    }

    private static RunResult Make(BenchOptions options, SideStats sender, SideStats receiver, double cpu, long peak, SideStats senderForReport)
    {
        var ok = sender.Ok && receiver.Ok && sender.Sha256 == receiver.Sha256 && receiver.Bytes == options.TotalBytes;
        return new RunResult(options.Mode, options.Procs, receiver.Bytes, sender.Seconds, receiver.Bytes * 8 / sender.Seconds / 1e6,
            cpu, peak, senderForReport, receiver, ok);
    }
}

internal static class ChildProcess
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        await using var peer = new Peer(options, isSender: false);
        Console.WriteLine($"READY {peer.LocalPort} {peer.Fingerprint}");
        var line = await Console.In.ReadLineAsync() ?? throw new InvalidOperationException("no parent");
        var parts = line.Split(' ');
        peer.SetRemote(int.Parse(parts[0], CultureInfo.InvariantCulture), parts.Length > 1 ? parts[1] : "");
        var before = ProcessMeter.Snapshot();
        var stats = ProcessMeter.Complete(await peer.RunAsync(), before);
        Console.WriteLine(JsonSerializer.Serialize(stats, SummaryJson.Default.SideStats));
        return stats.Ok ? 0 : 1;
    }
}

internal sealed record PionResult(double Mbps, double Seconds, bool Ok, string? Error)
{
    public string Describe() => Ok ? $"{Mbps:F0} Mbit/s ({Seconds:F2} s)" : $"failed: {Error}";
}

internal static class PionRunner
{
    public static async Task<PionResult> RunAsync(Uri signaling, BenchOptions options, int round)
    {
        var bin = options.PionBin ?? FindPion();
        if (bin is null) return new PionResult(0, 0, false, "tests/interop/bin/pion-peer not found (run tests/interop/build-go.sh pion-peer)");
        var url = signaling.ToString().TrimEnd('/');
        var suffix = $"{Environment.ProcessId}-{round}-{Environment.TickCount64}";
        string[] common = ["-signaling-addr", url, "-mode", "bulk", "-loopback-only", "-timeout", "300s", "-msg-size", "65535"];
        var answerer = Start(bin, [.. common, "-role", "answerer", "-id", $"a-{suffix}", "-remote-id", $"o-{suffix}", "-bytes", "0"]);
        // wait for its /receive stream before the offer goes out
        while (await answerer.StandardOutput.ReadLineAsync() is { } l)
            if (l.Contains("\"ready\"", StringComparison.Ordinal)) break;
        var drainAnswerer = answerer.StandardOutput.ReadToEndAsync();
        var offerer = Start(bin, [.. common, "-role", "offerer", "-id", $"o-{suffix}", "-remote-id", $"a-{suffix}",
            "-bytes", options.TotalBytes.ToString(CultureInfo.InvariantCulture)]);
        PionResult? result = null;
        while (await offerer.StandardOutput.ReadLineAsync() is { } line)
        {
            if (!line.Contains("\"event\":\"result\"", StringComparison.Ordinal)) continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var ok = root.GetProperty("ok").GetBoolean();
            result = ok
                ? new PionResult(root.GetProperty("mbps").GetDouble(), root.GetProperty("seconds").GetDouble(), true, null)
                : new PionResult(0, 0, false, root.TryGetProperty("reason", out var r) ? r.GetString() : "not ok");
        }
        await offerer.WaitForExitAsync();
        await answerer.WaitForExitAsync();
        await drainAnswerer;
        return result ?? new PionResult(0, 0, false, "the pion offerer printed no result");
    }

    private static Process Start(string bin, string[] args)
    {
        var psi = new ProcessStartInfo(bin) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {bin}");
    }

    private static string? FindPion()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "interop", "bin", "pion-peer");
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}

internal sealed record Summary
{
    public string Mode { get; init; } = "";
    public string Procs { get; init; } = "";
    public int Rounds { get; init; }
    public double Mib { get; init; }
    public int MessageSize { get; init; }
    public double Mbps { get; init; }
    public double MbpsMin { get; init; }
    public double MbpsMax { get; init; }
    public double CpuSeconds { get; init; }
    public double PeakWorkingSetMib { get; init; }
    public long PacketsSent { get; init; }
    public long PacketsReceived { get; init; }
    public long Retransmissions { get; init; }
    public long Timeouts { get; init; }
    public double AllocatedMib { get; init; }
    public long Gen0 { get; init; }
    public bool Ok { get; init; }
    public double? PionMbps { get; init; }
    public double? Ratio { get; init; }
    public double? RatioPairedMedian { get; init; }

    public static Summary Build(BenchOptions o, List<RunResult> ours, List<PionResult> pion)
    {
        static double Median(IEnumerable<double> xs)
        {
            var a = xs.OrderBy(x => x).ToArray();
            return a.Length == 0 ? double.NaN : a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
        }
        var mid = ours.OrderBy(r => r.Mbps).ElementAt(ours.Count / 2);
        var okPion = pion.Where(p => p.Ok).ToList();
        double? pionMbps = okPion.Count > 0 ? Median(okPion.Select(p => p.Mbps)) : null;
        var mbps = Median(ours.Select(r => r.Mbps));
        return new Summary
        {
            Mode = o.Mode,
            Procs = o.Procs == 1 ? "in-process" : "two-process",
            Rounds = ours.Count,
            Mib = o.Mib,
            MessageSize = o.MessageSize,
            Mbps = Math.Round(mbps, 1),
            MbpsMin = Math.Round(ours.Min(r => r.Mbps), 1),
            MbpsMax = Math.Round(ours.Max(r => r.Mbps), 1),
            CpuSeconds = Math.Round(Median(ours.Select(r => r.CpuSeconds)), 3),
            PeakWorkingSetMib = Math.Round(ours.Max(r => r.PeakWorkingSet) / 1048576.0, 1),
            PacketsSent = mid.Sender.PacketsSent,
            PacketsReceived = mid.Receiver.PacketsReceived,
            Retransmissions = mid.Sender.Retransmissions,
            Timeouts = mid.Sender.Timeouts,
            AllocatedMib = Math.Round((mid.Sender.AllocatedBytes + (o.Procs == 2 ? mid.Receiver.AllocatedBytes : 0)) / 1048576.0, 1),
            Gen0 = mid.Sender.Gen0 + (o.Procs == 2 ? mid.Receiver.Gen0 : 0),
            Ok = ours.All(r => r.Ok) && (pion.Count == 0 || okPion.Count == pion.Count),
            PionMbps = pionMbps is { } p ? Math.Round(p, 1) : null,
            Ratio = pionMbps is { } q ? Math.Round(mbps / q, 2) : null,
            RatioPairedMedian = okPion.Count == pion.Count && pion.Count > 0
                ? Math.Round(Median(ours.Zip(pion, (a, b) => a.Mbps / b.Mbps)), 2) : null,
        };
    }

    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Mode}/{Procs}: median {Mbps:F0} Mbit/s ({MbpsMin:F0}-{MbpsMax:F0}, {Rounds} rounds of {Mib} MiB, {MessageSize}-byte messages), ");
        sb.Append(CultureInfo.InvariantCulture, $"cpu {CpuSeconds:F2} s, peak WS {PeakWorkingSetMib:F0} MiB, packets {PacketsSent}/{PacketsReceived}, rtx {Retransmissions}, {(Ok ? "verified" : "FAILED")}");
        if (PionMbps is { } p) sb.Append(CultureInfo.InvariantCulture, $"\npion<->pion median {p:F0} Mbit/s; ratio ours/pion {Ratio:F2} (paired median {RatioPairedMedian?.ToString("F2", CultureInfo.InvariantCulture) ?? "n/a"})");
        return sb.ToString();
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Summary))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SideStats))]
internal sealed partial class SummaryJson : System.Text.Json.Serialization.JsonSerializerContext;

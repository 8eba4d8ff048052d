using System.Diagnostics;
using System.Text.Json;

namespace WebRtcPS.Bench.Signaling;

/// <summary>
/// A signaling server in its own process (ours via <c>--serve</c>, or the Go baseline), started
/// on a free loopback port; its memory and CPU are read from /proc, its state from GET /health.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly Process _process;
    private readonly TimeSpan _grace;

    private ServerProcess(string name, Process process, Uri url, TimeSpan grace)
    {
        Name = name;
        _process = process;
        Url = url;
        _grace = grace;
    }

    public string Name { get; }
    public Uri Url { get; }

    public static Task<ServerProcess> StartOursAsync(TimeSpan heartbeat, string? redis = null) =>
        StartAsync("ours", TimeSpan.FromSeconds(5), redis is null
            ? Program.Self("--serve", "--heartbeat-ms", ((long)heartbeat.TotalMilliseconds).ToString())
            : Program.Self("--serve", "--heartbeat-ms", ((long)heartbeat.TotalMilliseconds).ToString(), "--redis", redis));

    public static Task<ServerProcess> StartGoAsync(string exe, TimeSpan heartbeat)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-addr");
        psi.ArgumentList.Add("127.0.0.1:0");
        psi.ArgumentList.Add("-heartbeat");
        psi.ArgumentList.Add($"{(long)heartbeat.TotalMilliseconds}ms");
        return StartAsync("go", TimeSpan.Zero, psi); // it does not read stdin: killed at once
    }

    private static async Task<ServerProcess> StartAsync(string name, TimeSpan grace, ProcessStartInfo psi)
    {
        var process = Children.Start(psi);
        try
        {
            // The first line of both servers: {"event":"ready","url":"http://127.0.0.1:PORT",...}
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            using var ready = JsonDocument.Parse(line ?? throw new InvalidOperationException($"{name} server exited before it was ready"));
            var url = ready.RootElement.GetProperty("url").GetString()!;
            return new ServerProcess(name, process, new Uri(url.TrimEnd('/') + "/"), grace);
        }
        catch
        {
            Children.End(process, TimeSpan.Zero);
            throw;
        }
    }

    /// <summary>Resident set now and at its peak (VmRSS, VmHWM), and CPU time used so far.</summary>
    public (long Rss, long PeakRss, TimeSpan Cpu) Sample()
    {
        _process.Refresh();
        return (_process.WorkingSet64, _process.PeakWorkingSet64, _process.TotalProcessorTime);
    }

    /// <summary>Open /receive streams and heartbeats sent so far, from GET /health (same fields on both servers).</summary>
    public async Task<(int Connected, long Heartbeats)> HealthAsync()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync(new Uri(Url, "health")));
        var root = doc.RootElement;
        return (root.GetProperty("connectedIds").GetArrayLength(), root.GetProperty("counts").GetProperty("heartbeatsSent").GetInt64());
    }

    public ValueTask DisposeAsync()
    {
        Children.End(_process, _grace);
        return ValueTask.CompletedTask;
    }
}

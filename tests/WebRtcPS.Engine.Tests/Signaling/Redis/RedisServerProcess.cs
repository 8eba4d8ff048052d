using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Tests.TestInfrastructure;

namespace WebRtcPS.Engine.Tests.Signaling.Redis;

/// <summary>
/// A redis-server of the test's own, on 127.0.0.1 and a free port (never a system instance's 6379),
/// with its append-only file in a temporary folder so a restart keeps what was stored.
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly string _program;
    private readonly string _dir;
    private Process? _process;

    private RedisServerProcess(string program, int port)
    {
        _program = program;
        Port = port;
        _dir = Directory.CreateTempSubdirectory("wrtc-redis-").FullName;
    }

    public int Port { get; }

    /// <summary>What <c>SignalingServerOptions.Redis</c> takes.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    public static async Task<RedisServerProcess> StartAsync()
    {
        var program = Interop.Which("redis-server") ?? (File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : null);
        Interop.Require(program is not null, "redis-server not installed (tools/deps.sh installs it)");
        var redis = new RedisServerProcess(program!, FreePort());
        await redis.StartAgainAsync();
        return redis;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts (again, after <see cref="KillAsync"/>) on the same port and data folder.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(_program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _dir, "--save", "",
                     "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no", "--protected-mode", "yes" })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[64];
                var n = await stream.ReadAsync(buffer);
                if (System.Text.Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal)) return;
            }
            catch (SocketException)
            {
            }
            catch (IOException)
            {
            }
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"redis-server did not answer on {Endpoint}");
            await Task.Delay(50);
        }
    }

    /// <summary>Kills the process (SIGKILL: no shutdown save; the append-only file has every write).</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

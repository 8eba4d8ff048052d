using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebRtcPS.Bench.Signaling;

/// <summary>
/// A redis-server of the bench's own on 127.0.0.1 and a free port, its append-only file in a
/// temporary folder with <c>appendfsync everysec</c> (Redis's default once AOF is on; the tests
/// use <c>always</c>): the setting a deployment that wants restarts to keep the queues would run.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private RedisServer(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Endpoint = $"127.0.0.1:{port}";
    }

    /// <summary>What <c>--serve --redis</c> takes.</summary>
    public string Endpoint { get; }

    public static async Task<RedisServer> StartAsync(string program)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var dir = Directory.CreateTempSubdirectory("wrtc-bench-redis-").FullName;
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--dir", dir, "--save", "",
                     "--appendonly", "yes", "--appendfsync", "everysec", "--daemonize", "no", "--protected-mode", "yes" })
            psi.ArgumentList.Add(arg);
        var process = Children.Start(psi);
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var redis = new RedisServer(process, dir, port);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await PingAsync(port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await redis.DisposeAsync();
                throw new InvalidOperationException($"redis-server did not answer on {redis.Endpoint}");
            }
            await Task.Delay(50);
        }
        return redis;
    }

    private static async Task<bool> PingAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var n = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Resident set of the redis-server process (MiB).</summary>
    public double RssMiB()
    {
        _process.Refresh();
        return _process.WorkingSet64 / 1024.0 / 1024.0;
    }

    public ValueTask DisposeAsync()
    {
        Children.End(_process, TimeSpan.Zero);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}

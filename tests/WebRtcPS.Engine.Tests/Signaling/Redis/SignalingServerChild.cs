using System.Net;
using System.Text.Json;
using WebRtcPS.Engine.Tests.InteropPeers;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Engine.Tests.Signaling.Redis;

/// <summary>
/// A signaling server in a process of its own, so that a test can SIGKILL it (no finally blocks,
/// no Detach or Release scripts, leases left in Redis as a crash leaves them).
/// <c>dotnet WebRtcPS.Engine.Tests.dll signaling-server REDIS HEARTBEAT_MS MAX_BYTES_PER_ID</c>
/// starts one on 127.0.0.1 and a free port, prints <c>{"event":"ready","url":…}</c> and serves
/// until stdin ends (TestInfrastructure/Program.cs).
/// </summary>
internal sealed class SignalingServerChild : IAsyncDisposable
{
    public const string Verb = "signaling-server";

    private readonly PeerProcess _process;

    private SignalingServerChild(PeerProcess process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>The child's side: serves until stdin ends (or the parent kills it).</summary>
    public static int Run(string redis, string heartbeatMs, string maxBytesPerId)
    {
        var options = new SignalingServerOptions
        {
            Port = 0,
            ListenAddress = IPAddress.Loopback,
            Redis = redis,
            HeartbeatInterval = TimeSpan.FromMilliseconds(int.Parse(heartbeatMs)),
            MaxQueuedBytesPerId = long.Parse(maxBytesPerId),
        };
        var server = SignalingServer.StartAsync(options).GetAwaiter().GetResult();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["event"] = "ready", ["url"] = server.Url.AbsoluteUri }));
        Console.Out.Flush();
        Console.In.ReadToEnd();
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }

    /// <summary>Starts a child and waits until it listens and its /health says Redis is reachable.</summary>
    public static async Task<SignalingServerChild> StartAsync(string name, string redis, TimeSpan heartbeat, long maxBytesPerId)
    {
        var dotnet = DotnetHost ?? throw new InvalidOperationException("the dotnet host running the tests was not found");
        var process = PeerProcess.Start(name, dotnet,
            [typeof(SignalingServerChild).Assembly.Location, Verb, redis, ((long)heartbeat.TotalMilliseconds).ToString(), maxBytesPerId.ToString()]);
        try
        {
            var ready = await process.WaitForEventAsync("ready");
            var child = new SignalingServerChild(process, new Uri(ready.GetProperty("url").GetString()!));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            await Poll.UntilAsync(async () =>
            {
                using var health = await http.GetAsync(new Uri(child.Url, "health"));
                return health.StatusCode == HttpStatusCode.OK; // 503 "degraded" until Redis is connected
            }, PeerProcess.Patience, $"{name} to reach Redis");
            return child;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL (Process.Kill on Linux), then reaps it.</summary>
    public ValueTask KillAsync() => _process.DisposeAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static string? DotnetHost =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Interop.Which("dotnet");
}

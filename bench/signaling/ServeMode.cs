using System.Net;
using System.Text.Json;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Bench.Signaling;

/// <summary>
/// <c>--serve [--heartbeat-ms N] [--redis HOST:PORT]</c>: our SignalingServer alone in this process (on 127.0.0.1, a
/// free port, no logging, as the Go baseline logs nothing), so that its memory and CPU can be
/// read from outside. Prints the same ready line as tests/interop/go-signaling-server, then serves
/// until stdin ends. With <c>--redis</c>, its queues live in that Redis (RedisMode.cs).
/// </summary>
internal static class ServeMode
{
    public static async Task<int> RunAsync(TimeSpan heartbeat, string? redis)
    {
        await using var server = await Program.StartServerAsync(heartbeat, redis);
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["event"] = "ready",
            ["url"] = server.Url.AbsoluteUri.TrimEnd('/'),
            ["heartbeat_ms"] = (long)heartbeat.TotalMilliseconds,
        }));
        await Console.In.ReadToEndAsync();
        return 0;
    }
}

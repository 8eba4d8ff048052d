using WebRtcPS.Bench.Signaling.Lean;

namespace WebRtcPS.Bench.Signaling;

/// <summary>
/// What drives the flood and ping-pong phases, chosen with <c>--client lean|httpclient</c>:
/// <list type="bullet">
/// <item><c>lean</c> (default, Lean/): raw sockets, pre-encoded requests, a byte scanner on the
/// streams; cheap enough that the server under test, not the clients, takes most of the CPU.</item>
/// <item><c>httpclient</c>: one WebRtcPS <c>SignalingClient</c> (an HttpClient each) per peer
/// (<see cref="Flood"/>, <see cref="PingPong"/>), the generator of the figures before 2026-12-05.</item>
/// </list>
/// Same load, same ids scheme, same checks and the same <see cref="LoadResult"/> either way.
/// </summary>
internal sealed record LoadGenerator(string Name, Func<Uri, int, int, Task<LoadResult>> Flood, Func<Uri, int, int, Task<LoadResult>> PingPong)
{
    public static readonly LoadGenerator LeanSockets = new("lean", LeanFlood.RunAsync, LeanPingPong.RunAsync);

    public static readonly LoadGenerator HttpClients = new("httpclient", Signaling.Flood.RunAsync, Signaling.PingPong.RunAsync);

    /// <summary>The generator <c>--client</c> names (lean when absent); null, with a message on stderr, for an unknown name.</summary>
    public static LoadGenerator? FromArgs(string[] args)
    {
        var name = Program.Arg(args, "--client", LeanSockets.Name);
        if (name == LeanSockets.Name) return LeanSockets;
        if (name == HttpClients.Name) return HttpClients;
        Console.Error.WriteLine($"signaling bench: --client {name}: expected '{LeanSockets.Name}' or '{HttpClients.Name}'");
        return null;
    }
}

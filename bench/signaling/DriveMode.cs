using System.Text.Json;

namespace WebRtcPS.Bench.Signaling;

/// <summary>
/// <c>--drive URL [--pairs 100] [--messages 200] [--roundtrips 50] [--client lean|httpclient]</c>:
/// the flood, the ping-pong and the lone pair against a server already running at URL (ours under
/// <c>Start-WrtcSignalingServer</c>, the Go baseline, anything speaking the protocol), once each,
/// with no warm-up: for profiling a server from outside, or for checking the generators against
/// other servers. Prints the three results as JSON lines; a failed run prints why and exits 1.
/// </summary>
internal static class DriveMode
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(Uri server, string[] args)
    {
        if (LoadGenerator.FromArgs(args) is not { } load) return 2;
        var completions = load == LoadGenerator.LeanSockets && !args.Contains("--no-inline-completions")
            ? Lean.InlineCompletions.Enable()
            : "socket completions on the thread pool";
        var pairs = Program.Arg(args, "--pairs", 100);
        var messages = Program.Arg(args, "--messages", 200);
        var roundTrips = Program.Arg(args, "--roundtrips", 50);
        Console.WriteLine($"signaling bench --drive {server}: load generator {load.Name}, {completions}");
        var url = new Uri(server.AbsoluteUri.TrimEnd('/') + "/");
        try
        {
            Print("flood", await load.Flood(url, pairs, messages));
            Print("pingPong", await load.PingPong(url, pairs, roundTrips));
            Print("pingPongSinglePair", await load.PingPong(url, 1, 500));
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine($"signaling bench --drive: {ex.Message}");
            return 1;
        }
    }

    private static void Print(string phase, LoadResult result) =>
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { [phase] = result }, WebJson));
}

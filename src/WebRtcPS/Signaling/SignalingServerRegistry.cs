using System.Collections.Concurrent;
using WebRtcPS.Signaling.Logging;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Commands.Signaling;

/// <summary>The signaling servers this session started, by port, with their log routes.</summary>
internal static class SignalingServerRegistry
{
    private static readonly ConcurrentDictionary<int, (SignalingServer Server, LogQueue Log)> Servers = new();

    public static void Add(SignalingServer server, LogQueue log) => Servers[server.Port] = (server, log);

    public static IEnumerable<SignalingServer> All => Servers.Values.Select(v => v.Server).OrderBy(s => s.Port);

    public static SignalingServer? Find(int port) => Servers.TryGetValue(port, out var v) ? v.Server : null;

    public static LogQueue? LogOf(SignalingServer server) =>
        Servers.TryGetValue(server.Port, out var v) && ReferenceEquals(v.Server, server) ? v.Log : null;

    public static async Task StopAsync(SignalingServer server)
    {
        try
        {
            await server.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            foreach (var (port, entry) in Servers)
            {
                if (!ReferenceEquals(entry.Server, server) || !Servers.TryRemove(port, out _)) continue;
                entry.Log.Dispose();
            }
        }
    }

    /// <summary>Stops every server (module removal, process exit).</summary>
    public static void StopAll()
    {
        foreach (var server in All.ToArray())
        {
            try { StopAsync(server).GetAwaiter().GetResult(); }
            catch (Exception) { /* best effort on unload */ }
        }
    }
}

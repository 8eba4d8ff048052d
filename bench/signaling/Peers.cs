using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;

namespace WebRtcPS.Bench.Signaling;

/// <summary>Peers with their receive loops running and connected, on a server they do not own.</summary>
internal sealed class Peers : IAsyncDisposable
{
    private static int _runs;

    private readonly CancellationTokenSource _cts = new();
    private readonly List<Task> _loops = [];
    private string _prefix = "";

    public SignalingClient[] Clients { get; private init; } = [];

    /// <summary>
    /// Starts 2 x <paramref name="pairs"/> clients of the server at <paramref name="server"/> (peer 2i
    /// talks to 2i+1); <paramref name="onMessage"/> runs per message. Ids are new for every call, so
    /// runs against one server never meet each other's streams or leftovers.
    /// </summary>
    public static Task<Peers> StartAsync(Uri server, int pairs, Func<int, SignalingMessage, Task> onMessage) =>
        StartAsync([server], pairs, onMessage, TimeSpan.FromSeconds(30));

    /// <summary>As above, peer i talking to <c>servers[i % servers.Length]</c>: with two instances, each pair's messages cross between them.</summary>
    public static async Task<Peers> StartAsync(Uri[] servers, int pairs, Func<int, SignalingMessage, Task> onMessage, TimeSpan connectWithin)
    {
        var prefix = $"r{Interlocked.Increment(ref _runs)}-";
        var clients = Enumerable.Range(0, pairs * 2).Select(i => new SignalingClient(servers[i % servers.Length], $"{prefix}peer-{i}", Secure.ClientOptions())).ToArray();
        var peers = new Peers { Clients = clients, _prefix = prefix };
        var connected = 0;
        var allConnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < clients.Length; i++)
        {
            var index = i;
            clients[i].ConnectionChanged += up =>
            {
                if (up && Interlocked.Increment(ref connected) == clients.Length) allConnected.TrySetResult();
            };
            peers._loops.Add(Task.Run(async () =>
            {
                try
                {
                    await foreach (var m in clients[index].ReceiveAsync(peers._cts.Token)) await onMessage(index, m);
                }
                catch (OperationCanceledException) { }
            }));
        }
        await allConnected.Task.WaitAsync(connectWithin);
        return peers;
    }

    /// <summary>The id of peer <paramref name="index"/>.</summary>
    public string IdOf(int index) => $"{_prefix}peer-{index}";

    public static int Partner(int i) => i ^ 1;

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        try { await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10)); } catch { /* ended */ }
        foreach (var c in Clients) c.Dispose();
    }
}

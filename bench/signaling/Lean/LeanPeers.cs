namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>
/// The lean generator's peers for one run: per peer a <c>/receive</c> stream and a <c>/send</c>
/// connection to the server, with fresh ids (as <see cref="Peers"/>: runs against one server
/// never meet each other's leftovers), peer 2i talking to 2i+1. The run fails at its first error
/// (a refused /send, a broken or ended stream, a message out of order, the time bound): that
/// closes every connection, so every loop ends, and <see cref="WithinAsync"/> throws it.
/// </summary>
internal sealed class LeanPeers : IAsyncDisposable
{
    private const int ConnectingAtOnce = 50;

    private static int _runs;

    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _loops = [];
    private readonly string _prefix;
    private volatile bool _stopping;
    private int _closed;

    private LeanPeers(int count, string prefix)
    {
        _prefix = prefix;
        Streams = new StreamConnection[count];
        Senders = new SendConnection[count];
        Requests = new SendRequest[count];
    }

    public int Count => Streams.Length;
    public StreamConnection[] Streams { get; }
    public SendConnection[] Senders { get; }

    /// <summary>Peer i's request to its partner.</summary>
    public SendRequest[] Requests { get; }

    public static int Partner(int i) => i ^ 1;

    /// <summary>The id of peer <paramref name="index"/>.</summary>
    public string IdOf(int index) => $"{_prefix}peer-{index}";

    /// <summary>Opens every peer's stream (all connected before this returns), then its /send connection.</summary>
    public static async Task<LeanPeers> OpenAsync(Uri server, int pairs, TimeSpan within)
    {
        var endpoint = await Wire.ResolveAsync(server);
        var peers = new LeanPeers(pairs * 2, $"w{Interlocked.Increment(ref _runs)}-");
        try
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = ConnectingAtOnce };
            var open = Task.Run(async () =>
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, peers.Count), options, async (i, _) =>
                    peers.Streams[i] = peers.Kept(await StreamConnection.OpenAsync(endpoint, server, peers.IdOf(i), $"{peers.IdOf(i)} /receive")));
                await Parallel.ForEachAsync(Enumerable.Range(0, peers.Count), options, async (i, _) =>
                    peers.Senders[i] = peers.Kept(await SendConnection.ConnectAsync(endpoint, $"{peers.IdOf(i)} /send")));
            });
            try
            {
                await open.WaitAsync(within);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{pairs * 2} /receive streams and /send connections to {server} not open within {within.TotalSeconds:0} s");
            }
            for (var i = 0; i < peers.Count; i++) peers.Requests[i] = new SendRequest(server, peers.IdOf(i), peers.IdOf(Partner(i)));
            return peers;
        }
        catch
        {
            await peers.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts every stream's read loop, feeding <paramref name="sink"/>.</summary>
    public void Start(IMessageSink sink)
    {
        for (var i = 0; i < Count; i++) _loops.Add(ReadAsync(i, sink));
    }

    private async Task ReadAsync(int peer, IMessageSink sink)
    {
        try
        {
            await Streams[peer].RunAsync(sink, peer);
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    /// <summary>Fails the run with <paramref name="error"/> unless it failed already or is ending; closes every connection.</summary>
    public void Fail(Exception error)
    {
        if (_stopping || !_failed.TrySetException(error)) return;
        CloseAll();
    }

    /// <summary>
    /// Waits for <paramref name="work"/>; throws the run's first error instead if one comes
    /// first, or a <see cref="TimeoutException"/> past <paramref name="bound"/> (with
    /// <paramref name="progress"/>: how far it got).
    /// </summary>
    public async Task WithinAsync(Task work, TimeSpan bound, string what, Func<string> progress)
    {
        using var cancelDelay = new CancellationTokenSource();
        var timeout = Task.Delay(bound, cancelDelay.Token);
        var first = await Task.WhenAny(work, _failed.Task, timeout);
        await cancelDelay.CancelAsync();
        if (first == timeout) Fail(new TimeoutException($"not done within {bound.TotalSeconds:0} s: {progress()}"));
        ThrowIfFailed(what);
        await work;
    }

    /// <summary>
    /// After the last expected message: waits <paramref name="quiet"/> and throws if anything broke
    /// meanwhile, e.g. a message delivered once more after the last one.
    /// </summary>
    public async Task SettleAsync(TimeSpan quiet, string what)
    {
        await Task.WhenAny(_failed.Task, Task.Delay(quiet));
        ThrowIfFailed(what);
    }

    private void ThrowIfFailed(string what)
    {
        if (!_failed.Task.IsFaulted) return;
        var error = _failed.Task.Exception!.InnerException!;
        throw new InvalidOperationException($"{what} (lean generator) failed: {error.Message}", error);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        CloseAll();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine($"signaling bench: {_loops.Count(t => !t.IsCompleted)} /receive loops still running 10 s after their sockets closed");
        }
    }

    // A connection that opens after the run was closed (its opening timed out) is closed at once.
    private T Kept<T>(T connection) where T : IDisposable
    {
        if (Volatile.Read(ref _closed) != 0) connection.Dispose();
        return connection;
    }

    private void CloseAll()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        foreach (var s in Streams) s?.Dispose();
        foreach (var s in Senders) s?.Dispose();
    }
}

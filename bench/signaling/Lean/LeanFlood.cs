using System.Diagnostics;

namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>
/// The flood of <see cref="Flood"/> on the lean generator: every peer posts
/// <c>messages</c> to its partner, one POST at a time, while its stream is read. Fails unless
/// every message arrives exactly once and in order (per sender: each peer hears only its partner).
/// </summary>
internal sealed class LeanFlood : IMessageSink
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200); // after the last message: nothing more may come

    private readonly LeanPeers _peers;
    private readonly int _messages;
    private readonly double[] _latencies;
    private readonly int[] _lastSeq;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _received;

    private LeanFlood(LeanPeers peers, int messages)
    {
        _peers = peers;
        _messages = messages;
        _latencies = new double[peers.Count * messages];
        _lastSeq = new int[peers.Count];
        Array.Fill(_lastSeq, -1);
    }

    public static async Task<LoadResult> RunAsync(Uri server, int pairs, int messages)
    {
        await using var peers = await LeanPeers.OpenAsync(server, pairs, TimeSpan.FromSeconds(60));
        var run = new LeanFlood(peers, messages);
        var clock = Stopwatch.StartNew();
        peers.Start(run);
        var senders = new Task[peers.Count];
        for (var i = 0; i < senders.Length; i++) senders[i] = run.SendAllAsync(i);
        await peers.WithinAsync(Task.WhenAll(Task.WhenAll(senders), run._done.Task), Bound, $"flood of {server}",
            () => $"{Volatile.Read(ref run._received):N0} of {run._latencies.Length:N0} messages delivered");
        var seconds = clock.Elapsed.TotalSeconds;
        await peers.SettleAsync(Settle, $"flood of {server}");
        for (var i = 0; i < peers.Count; i++)
        {
            if (run._lastSeq[i] != messages - 1)
                throw new InvalidOperationException($"flood of {server}: {peers.IdOf(i)} got up to #{run._lastSeq[i]} of {messages} messages");
        }
        return LoadResult.Of(pairs, run._latencies, seconds);
    }

    private async Task SendAllAsync(int peer)
    {
        try
        {
            var request = _peers.Requests[peer];
            var connection = _peers.Senders[peer];
            for (var seq = 0; seq < _messages; seq++) await connection.ExchangeAsync(request.Write(Stopwatch.GetTimestamp(), seq));
        }
        catch (Exception ex)
        {
            _peers.Fail(ex);
        }
    }

    public ValueTask StartAsync(int peer) => ValueTask.CompletedTask;

    public ValueTask OnMessageAsync(int peer, long sentAt, int seq, long readAt)
    {
        if (seq != _lastSeq[peer] + 1)
            throw new InvalidDataException($"{_peers.IdOf(peer)}: got #{seq} from {_peers.IdOf(LeanPeers.Partner(peer))} after #{_lastSeq[peer]}");
        _lastSeq[peer] = seq;
        var n = Interlocked.Increment(ref _received);
        if (n > _latencies.Length) throw new InvalidDataException($"{_peers.IdOf(peer)}: message #{seq} is one more than the {_latencies.Length} sent");
        _latencies[n - 1] = Stopwatch.GetElapsedTime(sentAt, readAt).TotalMilliseconds;
        if (n == _latencies.Length) _done.TrySetResult();
        return ValueTask.CompletedTask;
    }
}

using System.Diagnostics;

namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>
/// The ping-pong of <see cref="PingPong"/> on the lean generator: peer 2i sends ping r, 2i+1
/// answers with pong r as soon as it reads it, and 2i sends ping r+1 once it reads the pong. Every
/// send happens on the sender's stream loop, after the message that prompts it, so each /send
/// connection has one request at a time and each pair one message in flight.
/// </summary>
internal sealed class LeanPingPong : IMessageSink
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200); // after the last pong: nothing more may come

    private readonly LeanPeers _peers;
    private readonly int _roundTrips;
    private readonly double[] _latencies;
    private readonly int[] _nextSeq; // per peer: the sequence number it expects next
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _received;
    private int _pairsLeft;

    private LeanPingPong(LeanPeers peers, int roundTrips)
    {
        _peers = peers;
        _roundTrips = roundTrips;
        _latencies = new double[peers.Count * roundTrips];
        _nextSeq = new int[peers.Count];
        _pairsLeft = peers.Count / 2;
    }

    public static async Task<LoadResult> RunAsync(Uri server, int pairs, int roundTrips)
    {
        await using var peers = await LeanPeers.OpenAsync(server, pairs, TimeSpan.FromSeconds(60));
        var run = new LeanPingPong(peers, roundTrips);
        var clock = Stopwatch.StartNew();
        peers.Start(run);
        await peers.WithinAsync(run._done.Task, Bound, $"ping-pong with {server}",
            () => $"{Volatile.Read(ref run._received):N0} of {run._latencies.Length:N0} messages delivered");
        var seconds = clock.Elapsed.TotalSeconds;
        await peers.SettleAsync(Settle, $"ping-pong with {server}");
        return LoadResult.Of(pairs, run._latencies, seconds);
    }

    public ValueTask StartAsync(int peer) => peer % 2 == 0 ? SendAsync(peer, 0) : ValueTask.CompletedTask;

    public ValueTask OnMessageAsync(int peer, long sentAt, int seq, long readAt)
    {
        if (seq != _nextSeq[peer])
            throw new InvalidDataException($"{_peers.IdOf(peer)}: got #{seq} from {_peers.IdOf(LeanPeers.Partner(peer))}, expected #{_nextSeq[peer]}");
        _nextSeq[peer] = seq + 1;
        var n = Interlocked.Increment(ref _received);
        if (n > _latencies.Length) throw new InvalidDataException($"{_peers.IdOf(peer)}: message #{seq} is one more than the {_latencies.Length} sent");
        _latencies[n - 1] = Stopwatch.GetElapsedTime(sentAt, readAt).TotalMilliseconds;

        if (peer % 2 == 1) return SendAsync(peer, seq); // the pong, at once
        if (seq + 1 < _roundTrips) return SendAsync(peer, seq + 1);
        if (Interlocked.Decrement(ref _pairsLeft) == 0) _done.TrySetResult();
        return ValueTask.CompletedTask;
    }

    private ValueTask SendAsync(int peer, int seq) => _peers.Senders[peer].ExchangeAsync(_peers.Requests[peer].Write(Stopwatch.GetTimestamp(), seq));
}

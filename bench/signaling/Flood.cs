using System.Diagnostics;

namespace WebRtcPS.Bench.Signaling;

internal static class Flood
{
    public static async Task<LoadResult> RunAsync(Uri server, int pairs, int messages)
    {
        var expected = pairs * 2 * messages;
        var latencies = new double[expected];
        var received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lastSeq = new int[pairs * 2];
        Array.Fill(lastSeq, -1);
        await using var peers = await Peers.StartAsync(server, pairs, (index, m) =>
        {
            var seq = int.Parse(Program.SeqOf(m.Content));
            if (seq != lastSeq[index] + 1) done.TrySetException(new InvalidOperationException($"peer-{index}: got #{seq} after #{lastSeq[index]}"));
            lastSeq[index] = seq;
            var n = Interlocked.Increment(ref received);
            latencies[n - 1] = Program.LatencyMs(m.Content);
            if (n == expected) done.TrySetResult();
            return Task.CompletedTask;
        });

        var clock = Stopwatch.StartNew();
        var senders = peers.Clients.Select((c, i) => Task.Run(async () =>
        {
            for (var s = 0; s < messages; s++) await c.SendAsync(peers.IdOf(Peers.Partner(i)), "candidate", Program.Stamp(s));
        })).ToArray();
        await Task.WhenAll(senders);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var seconds = clock.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToList();
        return new LoadResult(pairs, expected, Math.Round(seconds, 3), Math.Round(expected / seconds), Math.Round(Program.Percentile(sorted, 0.50), 3),
            Math.Round(Program.Percentile(sorted, 0.99), 3), Math.Round(sorted[^1], 3));
    }
}


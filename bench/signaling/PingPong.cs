using System.Diagnostics;

namespace WebRtcPS.Bench.Signaling;

internal static class PingPong
{
    public static async Task<LoadResult> RunAsync(Uri server, int pairs, int roundTrips)
    {
        var latencies = new List<double>(pairs * roundTrips * 2);
        var pongs = Enumerable.Range(0, pairs).Select(_ => System.Threading.Channels.Channel.CreateUnbounded<string>()).ToArray();
        Peers? peersRef = null;
        await using var peers = await Peers.StartAsync(server, pairs, async (index, m) =>
        {
            var latency = Program.LatencyMs(m.Content);
            lock (latencies) latencies.Add(latency);
            if (index % 2 == 1) // the responder answers each ping at once
                await peersRef!.Clients[index].SendAsync(peersRef.IdOf(index - 1), "candidate", Program.Stamp(int.Parse(Program.SeqOf(m.Content))));
            else
                pongs[index / 2].Writer.TryWrite(m.Content);
        });
        peersRef = peers;

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, pairs).Select(p => Task.Run(async () =>
        {
            var client = peers.Clients[2 * p];
            for (var r = 0; r < roundTrips; r++)
            {
                await client.SendAsync(peers.IdOf(2 * p + 1), "candidate", Program.Stamp(r));
                var pong = await pongs[p].Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                if (Program.SeqOf(pong) != r.ToString()) throw new InvalidOperationException($"pair {p}: pong {Program.SeqOf(pong)} for ping {r}");
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        List<double> sorted;
        lock (latencies) sorted = latencies.Order().ToList();
        return new LoadResult(pairs, sorted.Count, Math.Round(seconds, 3), Math.Round(sorted.Count / seconds), Math.Round(Program.Percentile(sorted, 0.50), 3),
            Math.Round(Program.Percentile(sorted, 0.99), 3), Math.Round(sorted[^1], 3));
    }
}


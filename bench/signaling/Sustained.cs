using System.Diagnostics;
using WebRtcPS.Signaling.Client;

namespace WebRtcPS.Bench.Signaling;

/// <summary>A sustained run: what was accepted, delivered, lost, and how fast (ms).</summary>
internal sealed record SustainedResult(string Mode, int Instances, int Pairs, double Seconds, long Accepted, long Delivered, long Lost,
    long OutOfOrderOrTwice, long Refused, long RefusedYetDelivered, long Unanswered, long UnansweredDelivered, IReadOnlyList<string> Refusals,
    double MessagesPerSecond, double P50, double P99, double Max, double DrainSeconds);

/// <summary>
/// N pairs for a fixed time: every peer posts to its partner, one POST at a time, until the time is
/// up, while reading its own /receive stream; peer i uses <c>servers[i % servers.Length]</c>, so
/// with two instances every message is posted to one and read from the other. Then waits until
/// everything accepted has arrived (or a minute passed). Accounting is per message: lost = accepted
/// (200) and never delivered; a refusal (4xx/5xx) or a request with no answer that was delivered
/// anyway is counted apart (the server answered before it knew the outcome, e.g. a Redis timeout).
/// </summary>
internal static class Sustained
{
    public static async Task<SustainedResult> RunAsync(string mode, Uri[] servers, int pairs, TimeSpan duration)
    {
        var peersCount = pairs * 2;
        var latencies = Enumerable.Range(0, peersCount).Select(_ => new List<double>()).ToArray();
        var lastSeq = new int[peersCount];
        Array.Fill(lastSeq, -1);
        var got = Enumerable.Range(0, peersCount).Select(_ => new HashSet<int>()).ToArray();          // by receiver
        var outcomes = Enumerable.Range(0, peersCount).Select(_ => new List<char>()).ToArray();       // by sender: a(ccepted), r(efused), u(nanswered)
        var refusals = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        long delivered = 0, outOfOrder = 0;
        await using var peers = await Peers.StartAsync(servers, pairs, (index, m) =>
        {
            // One receive loop per peer: its list and lastSeq are touched by that loop only.
            var seq = int.Parse(Program.SeqOf(m.Content));
            if (seq <= lastSeq[index]) Interlocked.Increment(ref outOfOrder);
            else lastSeq[index] = seq;
            latencies[index].Add(Program.LatencyMs(m.Content));
            got[index].Add(seq);
            Interlocked.Increment(ref delivered);
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(180));

        long accepted = 0, refused = 0, unanswered = 0;
        var stop = DateTime.UtcNow + duration;
        var clock = Stopwatch.StartNew();
        var senders = peers.Clients.Select((c, i) => Task.Run(async () =>
        {
            var to = peers.IdOf(Peers.Partner(i));
            for (var s = 0; DateTime.UtcNow < stop; s++)
            {
                try
                {
                    await c.SendAsync(to, "candidate", Program.Stamp(s));
                    Interlocked.Increment(ref accepted);
                    outcomes[i].Add('a');
                }
                catch (SignalingException e) when (e.StatusCode is not null)
                {
                    Interlocked.Increment(ref refused); // answered 4xx/5xx: said not stored, never counted as lost
                    outcomes[i].Add('r');
                    refusals.AddOrUpdate($"{e.StatusCode}: {e.Message[(e.Message.IndexOf(':') + 1)..].Trim()}", 1, (_, n) => n + 1);
                }
                catch (SignalingException)
                {
                    Interlocked.Increment(ref unanswered); // timed out or broke: may or may not be stored
                    outcomes[i].Add('u');
                }
            }
        })).ToArray();
        await Task.WhenAll(senders);
        var seconds = clock.Elapsed.TotalSeconds;
        var drain = Stopwatch.StartNew();
        while (Interlocked.Read(ref delivered) - Interlocked.Read(ref outOfOrder) < Interlocked.Read(ref accepted) && drain.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(20);
        var drainSeconds = drain.Elapsed.TotalSeconds;
        await Task.Delay(500); // anything delivered twice would come now
        var once = Interlocked.Read(ref delivered) - Interlocked.Read(ref outOfOrder);
        long lost = 0, refusedYetDelivered = 0, unansweredDelivered = 0;
        for (var sender = 0; sender < peersCount; sender++)
        {
            var receiver = got[Peers.Partner(sender)];
            for (var seq = 0; seq < outcomes[sender].Count; seq++)
            {
                var arrived = receiver.Contains(seq);
                switch (outcomes[sender][seq])
                {
                    case 'a' when !arrived: lost++; break;
                    case 'r' when arrived: refusedYetDelivered++; break;
                    case 'u' when arrived: unansweredDelivered++; break;
                }
            }
        }
        var sorted = latencies.SelectMany(l => l).Order().ToList();
        return new SustainedResult(mode, servers.Length, pairs, Math.Round(seconds, 1), accepted, delivered, lost, outOfOrder, refused, refusedYetDelivered,
            unanswered, unansweredDelivered, refusals.Select(r => $"{r.Value} x {r.Key}").ToList(),
            Math.Round(once / (seconds + drainSeconds)), Math.Round(Program.Percentile(sorted, 0.50), 2), Math.Round(Program.Percentile(sorted, 0.99), 2),
            Math.Round(sorted.Count > 0 ? sorted[^1] : 0, 1), Math.Round(drainSeconds, 2));
    }
}

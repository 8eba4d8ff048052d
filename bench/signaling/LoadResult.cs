namespace WebRtcPS.Bench.Signaling;

/// <summary>One load run: messages delivered, their rate and delivery latency (ms).</summary>
internal sealed record LoadResult(int Pairs, int Messages, double Seconds, double MessagesPerSecond, double P50, double P99, double Max)
{
    /// <summary>The figures of a run that delivered <paramref name="latencies"/> (ms, any order; sorted here) in <paramref name="seconds"/>.</summary>
    public static LoadResult Of(int pairs, double[] latencies, double seconds)
    {
        Array.Sort(latencies);
        return new LoadResult(pairs, latencies.Length, Math.Round(seconds, 3), Math.Round(latencies.Length / seconds),
            Math.Round(Program.Percentile(latencies, 0.50), 3), Math.Round(Program.Percentile(latencies, 0.99), 3),
            Math.Round(latencies.Length == 0 ? 0 : latencies[^1], 3));
    }
}

namespace WebRtcPS.Bench.Signaling;

/// <summary>One load run: messages delivered, their rate and delivery latency (ms).</summary>
internal sealed record LoadResult(int Pairs, int Messages, double Seconds, double MessagesPerSecond, double P50, double P99, double Max);

namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>What a load run does with its peers' streams: called on each stream's read loop, one call at a time per peer.</summary>
internal interface IMessageSink
{
    /// <summary>Before peer <paramref name="peer"/>'s stream is first read (ping-pong sends its first ping here).</summary>
    ValueTask StartAsync(int peer);

    /// <summary>
    /// A message for <paramref name="peer"/>: the stamp of its content (send time as a Stopwatch
    /// timestamp, sequence number) and when its bytes were read. Throwing fails the run.
    /// </summary>
    ValueTask OnMessageAsync(int peer, long sentAt, int seq, long readAt);
}

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// At most one log line per second for a refusal an attacker can repeat at will (a flood must not
/// become a log flood); the line says how many were not logged since the previous one.
/// </summary>
internal sealed class LogThrottle(TimeProvider time)
{
    private static readonly long Period = TimeSpan.FromSeconds(1).Ticks;
    private long _next;
    private long _suppressed;

    /// <summary>True when this occurrence is to be logged, with the count of those skipped before it.</summary>
    public bool ShouldLog(out long suppressed)
    {
        var now = time.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _next);
        if (now >= next && Interlocked.CompareExchange(ref _next, now + Period, next) == next)
        {
            suppressed = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }
        Interlocked.Increment(ref _suppressed);
        suppressed = 0;
        return false;
    }
}

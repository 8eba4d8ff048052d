namespace WebRtcPS.Engine.Stun;

/// <summary>
/// Retransmission parameters of a STUN client transaction (RFC 8489 §6.2.1). The defaults give
/// the RFC's UDP schedule: sends at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s, timeout at 39.5 s.
/// </summary>
public sealed record StunTransactionOptions
{
    /// <summary>The RFC 8489 §6.2.1 defaults over UDP.</summary>
    public static readonly StunTransactionOptions Default = new();

    /// <summary>RTO: wait before the first retransmission, doubled after each (RFC 8489 §6.2.1
    /// recommends 500 ms; ICE paces checks separately).</summary>
    public TimeSpan InitialRto { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Rc: total number of requests sent over an unreliable transport.</summary>
    public int MaxRequestCount { get; init; } = 7;

    /// <summary>Rm: after the last request, wait Rm × RTO for a response before timing out.</summary>
    public int LastRequestWaitMultiplier { get; init; } = 16;

    /// <summary>Over TCP/TLS the request is sent once and not retransmitted (RFC 8489 §6.2.2).</summary>
    public bool IsReliableTransport { get; init; }

    /// <summary>Ti: how long a reliable-transport transaction waits (39.5 s, §6.2.2).</summary>
    public TimeSpan ReliableTimeout { get; init; } = TimeSpan.FromMilliseconds(39_500);

    /// <summary>The options for a reliable transport (TCP, TLS).</summary>
    public static StunTransactionOptions Reliable => new() { IsReliableTransport = true };

    /// <summary>Checks every option is positive.</summary>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public StunTransactionOptions Validate()
    {
        if (InitialRto <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(InitialRto), InitialRto, "Must be positive.");
        if (MaxRequestCount < 1) throw new ArgumentOutOfRangeException(nameof(MaxRequestCount), MaxRequestCount, "At least one request is sent.");
        if (LastRequestWaitMultiplier < 1) throw new ArgumentOutOfRangeException(nameof(LastRequestWaitMultiplier), LastRequestWaitMultiplier, "Must be at least 1.");
        if (ReliableTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ReliableTimeout), ReliableTimeout, "Must be positive.");
        return this;
    }

    /// <summary>Offsets from the first send at which each request goes out, then the timeout.</summary>
    public (IReadOnlyList<TimeSpan> Sends, TimeSpan Timeout) Schedule()
    {
        if (IsReliableTransport) return ([TimeSpan.Zero], ReliableTimeout);
        var sends = new List<TimeSpan> { TimeSpan.Zero };
        var at = TimeSpan.Zero;
        var rto = InitialRto;
        for (int i = 1; i < MaxRequestCount; i++)
        {
            at += rto;
            sends.Add(at);
            rto *= 2;
        }
        return (sends, at + InitialRto * LastRequestWaitMultiplier);
    }
}

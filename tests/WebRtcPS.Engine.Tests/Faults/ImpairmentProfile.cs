namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>What an <see cref="ImpairmentRelay"/> does to the datagrams of one direction. Rates are
/// probabilities per datagram in [0, 1]; <see cref="Delay"/> plus a uniform share of
/// <see cref="Jitter"/> is added before a datagram is forwarded (jitter alone can reorder).</summary>
public sealed record ImpairmentProfile
{
    /// <summary>Nothing done: every datagram forwarded at once, in order.</summary>
    public static ImpairmentProfile None { get; } = new();

    /// <summary>Share of datagrams dropped.</summary>
    public double LossRate { get; init; }

    /// <summary>Share of the forwarded datagrams sent twice.</summary>
    public double DuplicateRate { get; init; }

    /// <summary>Share of the forwarded datagrams held back for <see cref="ReorderHold"/> (so the ones
    /// behind overtake them).</summary>
    public double ReorderRate { get; init; }

    /// <summary>How long a reordered datagram is held back beyond its delay.</summary>
    public TimeSpan ReorderHold { get; init; } = TimeSpan.FromMilliseconds(3);

    /// <summary>Fixed one-way delay added to every forwarded datagram.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Up to this much more delay, uniformly drawn per datagram.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>MTU clamp: datagrams longer than this many bytes are dropped (null: no clamp).</summary>
    public int? MaxDatagramSize { get; init; }

    /// <summary>Throws when a rate is outside [0, 1] or a time is negative.</summary>
    public ImpairmentProfile Validate()
    {
        foreach (var (rate, name) in new[] { (LossRate, nameof(LossRate)), (DuplicateRate, nameof(DuplicateRate)), (ReorderRate, nameof(ReorderRate)) })
            if (rate is < 0 or > 1 || double.IsNaN(rate)) throw new ArgumentOutOfRangeException(name, rate, "a probability in [0, 1]");
        if (Delay < TimeSpan.Zero || Jitter < TimeSpan.Zero || ReorderHold < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Delay), "times must not be negative");
        if (MaxDatagramSize is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxDatagramSize));
        return this;
    }
}

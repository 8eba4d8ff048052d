namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>Why a datagram was not forwarded.</summary>
public enum DropReason
{
    /// <summary>Forwarded.</summary>
    None,
    /// <summary>Random loss (<see cref="ImpairmentProfile.LossRate"/>).</summary>
    Loss,
    /// <summary>Longer than <see cref="ImpairmentProfile.MaxDatagramSize"/>.</summary>
    TooLarge,
    /// <summary>The relay was blacked out.</summary>
    Blackout,
}

/// <summary>What happens to one datagram: dropped (and why), or forwarded after
/// <see cref="Delay"/>, once or twice, possibly held back to be overtaken.</summary>
public readonly record struct DatagramFate(DropReason Drop, TimeSpan Delay, bool Duplicated, bool Reordered)
{
    public bool Forwarded => Drop == DropReason.None;
}

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// The seeded decisions of one direction of an <see cref="ImpairmentRelay"/>: one
/// <see cref="Random"/> per direction, and exactly four draws per datagram whatever its fate, so
/// the n-th datagram's fate depends only on the seed, the profile and n (and whether a blackout
/// was on): a run can be replayed, and a test can compute what the relay must have done.
/// </summary>
public sealed class ImpairmentPolicy
{
    private readonly Random _random;
    private readonly ImpairmentProfile _profile;

    public ImpairmentPolicy(ImpairmentProfile profile, int seed)
    {
        _profile = profile.Validate();
        _random = new Random(seed);
    }

    public long Datagrams { get; private set; }
    public long Lost { get; private set; }
    public long TooLarge { get; private set; }
    public long BlackedOut { get; private set; }
    public long Duplicated { get; private set; }
    public long Reordered { get; private set; }

    /// <summary>Decides the fate of the next datagram of <paramref name="length"/> bytes.</summary>
    public DatagramFate Next(int length, bool blackout = false)
    {
        Datagrams++;
        var loss = _random.NextDouble();
        var duplicate = _random.NextDouble();
        var reorder = _random.NextDouble();
        var jitter = _random.NextDouble();
        if (blackout)
        {
            BlackedOut++;
            return new DatagramFate(DropReason.Blackout, TimeSpan.Zero, false, false);
        }
        if (_profile.MaxDatagramSize is { } max && length > max)
        {
            TooLarge++;
            return new DatagramFate(DropReason.TooLarge, TimeSpan.Zero, false, false);
        }
        if (loss < _profile.LossRate)
        {
            Lost++;
            return new DatagramFate(DropReason.Loss, TimeSpan.Zero, false, false);
        }
        var fate = new DatagramFate(DropReason.None, _profile.Delay + _profile.Jitter * jitter,
            duplicate < _profile.DuplicateRate, reorder < _profile.ReorderRate);
        if (fate.Duplicated) Duplicated++;
        if (fate.Reordered)
        {
            Reordered++;
            fate = fate with { Delay = fate.Delay + _profile.ReorderHold };
        }
        return fate;
    }
}

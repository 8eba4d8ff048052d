namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>The seeded decisions alone, without sockets.</summary>
public class ImpairmentPolicyTests
{
    private static readonly ImpairmentProfile Busy = new()
    {
        LossRate = 0.1, DuplicateRate = 0.05, ReorderRate = 0.05,
        Delay = TimeSpan.FromMilliseconds(5), Jitter = TimeSpan.FromMilliseconds(2),
    };

    private static DatagramFate[] Fates(ImpairmentProfile profile, int seed, int n, Func<int, bool>? blackout = null)
    {
        var policy = new ImpairmentPolicy(profile, seed);
        return [.. Enumerable.Range(0, n).Select(i => policy.Next(1000, blackout?.Invoke(i) ?? false))];
    }

    [Fact]
    public void The_same_seed_gives_the_same_fates_and_another_seed_others()
    {
        Assert.Equal(Fates(Busy, 7, 5000), Fates(Busy, 7, 5000));
        Assert.NotEqual(Fates(Busy, 7, 5000), Fates(Busy, 8, 5000));
    }

    [Fact]
    public void A_blackout_does_not_shift_the_fates_of_the_datagrams_after_it()
    {
        var plain = Fates(Busy, 3, 2000);
        var cut = Fates(Busy, 3, 2000, i => i is >= 500 and < 700);
        Assert.All(cut[500..700], f => Assert.Equal(DropReason.Blackout, f.Drop));
        Assert.Equal(plain[..500], cut[..500]);
        Assert.Equal(plain[700..], cut[700..]);
    }

    [Fact]
    public void Counts_follow_the_rates_and_match_the_fates()
    {
        var policy = new ImpairmentPolicy(Busy, 11);
        var fates = Enumerable.Range(0, 20000).Select(_ => policy.Next(1000)).ToArray();
        Assert.Equal(fates.Count(f => f.Drop == DropReason.Loss), policy.Lost);
        Assert.Equal(fates.Count(f => f.Duplicated), policy.Duplicated);
        Assert.Equal(fates.Count(f => f.Reordered), policy.Reordered);
        Assert.InRange(policy.Lost / 20000.0, 0.09, 0.11);
        Assert.InRange(policy.Duplicated / 18000.0, 0.04, 0.06);
        Assert.InRange(policy.Reordered / 18000.0, 0.04, 0.06);
        Assert.All(fates.Where(f => f.Forwarded), f => Assert.InRange(f.Delay, Busy.Delay, Busy.Delay + Busy.Jitter + Busy.ReorderHold));
        Assert.All(fates.Where(f => f.Forwarded && !f.Reordered), f => Assert.InRange(f.Delay, Busy.Delay, Busy.Delay + Busy.Jitter));
    }

    [Fact]
    public void The_mtu_clamp_drops_only_what_is_longer()
    {
        var policy = new ImpairmentPolicy(new ImpairmentProfile { MaxDatagramSize = 1200 }, 1);
        Assert.True(policy.Next(1200).Forwarded);
        Assert.Equal(DropReason.TooLarge, policy.Next(1201).Drop);
        Assert.Equal(1, policy.TooLarge);
    }

    [Fact]
    public void No_impairment_forwards_everything_at_once()
    {
        Assert.All(Fates(ImpairmentProfile.None, 5, 1000), f => Assert.Equal(new DatagramFate(DropReason.None, TimeSpan.Zero, false, false), f));
    }

    [Fact]
    public void Bad_profiles_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImpairmentProfile { LossRate = 1.5 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImpairmentProfile { Jitter = TimeSpan.FromMilliseconds(-1) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImpairmentProfile { MaxDatagramSize = 0 }.Validate());
    }
}

using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Transport;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>The data sender under reordering (RFC 9260 §7.2.4 with RFC 8985's reordering window):
/// a chunk overtaken by a few later ones collects three miss indications without being lost, and
/// its fast retransmission halves cwnd for nothing. On the manual clock, over the seeded
/// <see cref="LossyCoreLink"/> with the impairment relay's noisy profile (1 ms delay, 2 ms jitter,
/// 2 % of the packets held back 3 ms, 1 % duplicated).</summary>
public class SctpReorderingTests(ITestOutputHelper output)
{
    private const int MessageSize = 64 * 1024;

    internal sealed record Run(TimeSpan Elapsed, SctpStatistics A, long Duplicates, string Describe)
    {
        public string Summary(int mebibytes) =>
            $"{mebibytes} MiB in {Elapsed.TotalSeconds:F2} s ({mebibytes * 8.0 * 1024 * 1024 / Elapsed.TotalSeconds / 1e6:F0} Mbit/s), " +
            $"{A.DataRetransmissions} retransmissions ({A.FastRetransmissions} fast), {A.RetransmissionTimeouts} T3-rtx, " +
            $"cwnd {A.CongestionWindow}, {Duplicates} duplicates at the receiver";
    }

    internal static Run Transfer(LinkImpairment impairment, int seed, int mebibytes, bool noisy, TimeSpan? delay = null)
    {
        var pair = new CorePair(new SctpAssociationOptions { MaxAssociationRetransmits = 1000 });
        pair.Establish();
        var link = new LossyCoreLink(pair, seed, impairment)
        {
            Delay = delay ?? TimeSpan.FromMilliseconds(noisy ? 1 : 0.5), Jitter = noisy ? TimeSpan.FromMilliseconds(2) : TimeSpan.Zero,
            BytesPerSecond = 50e6,
        };
        var messages = mebibytes * 1024 * 1024 / MessageSize;
        var payload = new byte[MessageSize];
        var start = pair.A.Now;
        for (var i = 0; i < messages; i++) link.FromA(pair.A.Enqueue(1, 51, payload, default));
        link.RunUntil(start + TimeSpan.FromMinutes(30), () => pair.B.Delivered.Count == messages);
        Assert.True(messages == pair.B.Delivered.Count, $"{pair.B.Delivered.Count} of {messages}; A {pair.A.Describe()} | B {pair.B.Describe()}");
        return new Run(pair.A.Now - start, pair.A.Snapshot(), pair.B.Snapshot().DuplicateDataReceived, $"A {pair.A.Describe()} | B {pair.B.Describe()}");
    }

    private static LinkImpairment Noisy(double loss) => new() { LossRate = loss, ReorderRate = 0.02, DuplicateRate = 0.01 };

    // Before the reordering window and the undo (same seeds): 0 % 7.41 s (435 fast retransmits, all
    // spurious, cwnd 8 MTU at the end) against 0.35 s without the noise; 5 % 10.2 s.
    [Fact]
    public void ReorderingAloneCostsLittle()
    {
        const int mebibytes = 16;
        var noisy = Transfer(Noisy(0), 1, mebibytes, noisy: true);
        var steady = Transfer(LinkImpairment.None, 1, mebibytes, noisy: false, TimeSpan.FromMilliseconds(2));
        output.WriteLine($"reorder/dup/jitter, no loss: {noisy.Summary(mebibytes)}\n{noisy.Describe}\n2 ms fixed delay (the noisy path's mean): {steady.Summary(mebibytes)}");
        Assert.True(noisy.Elapsed < steady.Elapsed * 1.5, noisy.Describe);
        Assert.True(noisy.A.SpuriousFastRetransmissions > 0 && noisy.A.FastRecoveriesUndone > 0, noisy.Describe);
        Assert.True(noisy.A.ReorderingWindow > TimeSpan.Zero, noisy.Describe);
        Assert.True(noisy.A.FastRetransmissions <= 64, $"{noisy.A.FastRetransmissions} fast retransmissions without loss\n{noisy.Describe}");
    }

    /// <summary>With loss besides, the noise costs about what its mean delay costs: the rest of
    /// the difference to a clean path is the longer round trip (cwnd/RTT), not reordering.</summary>
    [Fact]
    public void ReorderingUnderLossCostsAboutItsDelay()
    {
        const int mebibytes = 16;
        var noisy = Transfer(Noisy(0.05), 5, mebibytes, noisy: true);
        var steady = Transfer(new LinkImpairment { LossRate = 0.05 }, 5, mebibytes, noisy: false, TimeSpan.FromMilliseconds(2));
        output.WriteLine($"5 % loss + reorder/dup/jitter: {noisy.Summary(mebibytes)}\n{noisy.Describe}\n5 % loss, 2 ms fixed delay: {steady.Summary(mebibytes)}");
        Assert.True(noisy.Elapsed < steady.Elapsed * 1.3, noisy.Describe);
    }

    [Fact]
    public void WithoutReorderingNothingChanges()
    {
        var run = Transfer(new LinkImpairment { LossRate = 0.05 }, 5, 4, noisy: false);
        Assert.True(run.A.ReorderingWindow == TimeSpan.Zero && run.A.SpuriousFastRetransmissions == 0, run.Describe);
    }
}

using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Transport;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>Bulk throughput of two cores under random loss both ways (DATA and SACKs alike) on the
/// manual clock, over a link with a bottleneck (so an overrunning sender builds a queue, as on a
/// loaded loopback): protocol time, retransmissions and T3-rtx expiries per loss rate, with the
/// association's default options (what RTCPeerConnection uses).</summary>
public class SctpLossThroughputTests(ITestOutputHelper output)
{
    private const int MessageSize = 64 * 1024;

    internal sealed record Run(TimeSpan Elapsed, long Retransmissions, long FastRetransmissions, long Timeouts, long Duplicates, long WindowDrops, string Describe)
    {
        public double Mbps(long bytes) => bytes * 8 / Elapsed.TotalSeconds / 1e6;
    }

    internal static Run Transfer(double loss, int seed, int mebibytes, SctpAssociationOptions? options = null, double bytesPerSecond = 50e6,
        TimeSpan? delay = null)
    {
        var pair = new CorePair(options ?? new SctpAssociationOptions { MaxAssociationRetransmits = 1000 });
        pair.Establish();
        var link = new LossyCoreLink(pair, seed, new LinkImpairment { LossRate = loss })
        {
            Jitter = TimeSpan.Zero, Delay = delay ?? TimeSpan.FromMilliseconds(0.5), BytesPerSecond = bytesPerSecond,
        };
        var messages = mebibytes * 1024 * 1024 / MessageSize;
        var payload = new byte[MessageSize];
        var start = pair.A.Now;
        for (var i = 0; i < messages; i++) link.FromA(pair.A.Enqueue(1, 51, payload, default));
        link.RunUntil(start + TimeSpan.FromMinutes(30), () => pair.B.Delivered.Count == messages);
        Assert.True(messages == pair.B.Delivered.Count, $"{pair.B.Delivered.Count} of {messages}; A {pair.A.Describe()} | B {pair.B.Describe()}");
        var a = pair.A.Snapshot();
        var b = pair.B.Snapshot();
        return new Run(pair.A.Now - start, a.DataRetransmissions, a.FastRetransmissions, a.RetransmissionTimeouts, b.DuplicateDataReceived,
            b.DataDroppedForWindow, $"A {pair.A.Describe()} | B {pair.B.Describe()}");
    }

    // Before the loss timer, probes, window-full I bit and gap-fill SACKs (same seeds): 1 % 1.2 s,
    // 5 % 2.8 s (1 T3-rtx), 10 % 9.5 s (26), 20 % 144 s (368 T3-rtx, cwnd at one MTU after each).
    [Theory]
    [InlineData(0.00, 1, 1, 0)]
    [InlineData(0.01, 1, 3, 2)]
    [InlineData(0.05, 5, 6, 3)]
    [InlineData(0.10, 10, 10, 5)]
    [InlineData(0.20, 20, 20, 10)]
    public void BulkUnderLossIsRepairedWithoutWaitingForT3(double loss, int seed, int maxSeconds, int maxTimeouts)
    {
        const int mebibytes = 16;
        var run = Transfer(loss, seed, mebibytes);
        output.WriteLine($"{mebibytes} MiB at {loss:P0}: {run.Elapsed.TotalSeconds:F2} s ({run.Mbps(mebibytes << 20):F0} Mbit/s), " +
                         $"{run.Retransmissions} retransmissions ({run.FastRetransmissions} fast), {run.Timeouts} T3-rtx, " +
                         $"{run.Duplicates} duplicates and {run.WindowDrops} window drops at the receiver\n{run.Describe}");
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(maxSeconds), $"{run.Elapsed.TotalSeconds:F1} s\n{run.Describe}");
        Assert.True(run.Timeouts <= maxTimeouts, $"{run.Timeouts} T3-rtx\n{run.Describe}");
        if (loss == 0) Assert.Equal(0, run.Retransmissions);
    }
}

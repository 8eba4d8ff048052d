using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Transport;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>Loss recovery of the data sender (RFC 9260 §6.3, §7.2.4) on the manual clock: a loss
/// is repaired by fast retransmit, not by T3-rtx (which resets cwnd to one MTU and waits an RTO).</summary>
public class SctpLossRecoveryTests(ITestOutputHelper output)
{
    private static readonly byte[] Hundred = new byte[100];

    private static uint TsnOf(IEnumerable<SctpPacket> packets) => packets.SelectMany(p => p.Chunks).OfType<DataChunk>().Single().Tsn;

    [Fact]
    public void FastRetransmittingTheFirstOutstandingChunkRestartsT3()
    {
        var pair = new CorePair();
        pair.Establish();
        var lost = TsnOf(pair.A.Enqueue(1, 51, Hundred, default));
        pair.Clock.Advance(pair.A.Rto * 0.9);   // the loss is noticed late, as behind a long queue
        var fromA = new List<SctpPacket>();
        for (var i = 0; i < 3; i++)
            foreach (var data in pair.A.Enqueue(1, 51, Hundred, default))
                foreach (var sack in pair.B.HandlePacket(CorePair.OverTheWire(data)))
                    fromA.AddRange(pair.A.HandlePacket(CorePair.OverTheWire(sack)));

        Assert.Equal(lost, TsnOf(fromA));                           // fast retransmitted
        Assert.Equal(pair.A.Now + pair.A.Rto, pair.A.NextDeadline);   // a full RTO for the repair
    }

    [Fact]
    public void ALostFastRetransmissionIsFastRetransmittedAgainWithoutT3()
    {
        var pair = new CorePair();
        pair.Establish();
        uint? first = null;
        var drops = 0;
        pair.DropAToB = p =>
        {
            if (p.Chunks.OfType<DataChunk>().FirstOrDefault() is not { } d) return false;
            first ??= d.Tsn;
            if (d.Tsn != first || drops == 2) return false;
            drops++;   // the first transmission and the fast retransmission
            return true;
        };
        for (var i = 0; i < 8; i++) pair.Pump(pair.A.Enqueue(1, 51, Hundred, default));

        Assert.Equal(2, drops);
        Assert.Equal(8, pair.B.Delivered.Count);
        Assert.Equal(2, pair.A.Retransmissions);
        Assert.Equal(0, pair.A.Timeouts);
    }

    [Fact]
    public void SacksSentBeforeARetransmissionDoNotReportItMissing()
    {
        var pair = new CorePair();
        pair.Establish();
        var lost = TsnOf(pair.A.Enqueue(1, 51, Hundred, default));
        // Six packets behind the lost one, their SACKs held: all six were sent before any retransmission.
        var sacks = new List<SctpPacket>();
        for (var i = 0; i < 6; i++)
            foreach (var data in pair.A.Enqueue(1, 51, Hundred, default))
                sacks.AddRange(pair.B.HandlePacket(CorePair.OverTheWire(data)));
        var fromA = sacks.SelectMany(s => pair.A.HandlePacket(CorePair.OverTheWire(s))).ToList();

        Assert.Equal(lost, TsnOf(fromA));          // the third SACK triggers it, the next three do not again
        Assert.Equal(1, pair.A.Retransmissions);
    }

    [Theory]
    [InlineData(0.10, 1, 10)]
    [InlineData(0.20, 2, 5)]   // cwnd is a few packets here: a lost SACK more often leaves fewer than three miss indications
    public void BulkAtHeavyLossIsRepairedMostlyByFastRetransmit(double loss, int seed, int retransmissionsPerTimeout)
    {
        var options = new SctpAssociationOptions
        {
            RtoInitial = TimeSpan.FromMilliseconds(200), RtoMin = TimeSpan.FromMilliseconds(50), MaxAssociationRetransmits = 100,
        };
        var pair = new CorePair(options);
        pair.Establish();
        var link = new LossyCoreLink(pair, seed, new LinkImpairment { LossRate = loss }) { Jitter = TimeSpan.Zero };
        const int messages = 256;
        var payload = new byte[16 * 1024];
        for (var i = 0; i < messages; i++) link.FromA(pair.A.Enqueue(1, 51, payload, default));
        link.RunUntil(pair.A.Now + TimeSpan.FromMinutes(10), () => pair.B.Delivered.Count == messages);

        Assert.Equal(messages, pair.B.Delivered.Count);
        output.WriteLine($"4 MiB at {loss:P0} loss: {pair.A.Now.TotalSeconds:F1} s of protocol time, {pair.A.Retransmissions} retransmissions, " +
                         $"{pair.A.Timeouts} T3-rtx timeouts");
        Assert.True(pair.A.Timeouts * retransmissionsPerTimeout <= pair.A.Retransmissions, $"{pair.A.Timeouts} T3-rtx for {pair.A.Retransmissions} retransmissions");
    }
}

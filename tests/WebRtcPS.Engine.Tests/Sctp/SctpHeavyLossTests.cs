using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>What keeps an association going under heavy loss or a stalled peer, on the manual
/// clock: the receiver acknowledges at once while gaps exist, a spurious T3-rtx is undone, an
/// overdue chunk reported missing is retransmitted without T3-rtx, a small full window asks for an
/// immediate SACK, and a silence is probed with new data instead of waiting for T3-rtx.</summary>
public class SctpHeavyLossTests
{
    private static readonly byte[] Chunk = new byte[1000];

    private static IEnumerable<DataChunk> Data(IEnumerable<SctpPacket> packets) => packets.SelectMany(p => p.Chunks).OfType<DataChunk>();
    private static IEnumerable<SackChunk> Sacks(IEnumerable<SctpPacket> packets) => packets.SelectMany(p => p.Chunks).OfType<SackChunk>();

    /// <summary>A and B established, with one RTT measured (10 ms) so the RTO is RTO.Min.</summary>
    private static CorePair Measured()
    {
        var pair = new CorePair();
        pair.Establish();
        var data = pair.A.Enqueue(1, 51, Chunk, new SctpSendOptions(SackImmediately: true));
        pair.Clock.Advance(TimeSpan.FromMilliseconds(10));
        var sacks = data.SelectMany(p => pair.B.HandlePacket(CorePair.OverTheWire(p))).ToList();
        Assert.Empty(sacks.SelectMany(s => pair.A.HandlePacket(CorePair.OverTheWire(s))));
        Assert.True(pair.A.AllSentDataAcknowledged);
        return pair;
    }

    [Fact]
    public void DataFillingAGapIsAcknowledgedAtOnceWhileMoreInputIsQueued()
    {
        var pair = new CorePair();
        pair.Establish();
        var packets = Enumerable.Range(0, 3).SelectMany(_ => pair.A.Enqueue(1, 51, Chunk, default)).ToList();
        Assert.Equal(3, packets.Count);
        pair.B.MoreInputQueued = true;   // a burst is being handled: the every-second-packet SACK waits
        Assert.Empty(pair.B.HandlePacket(CorePair.OverTheWire(packets[0])));
        Assert.Single(Sacks(pair.B.HandlePacket(CorePair.OverTheWire(packets[2]))));   // a gap: at once

        var sack = Sacks(pair.B.HandlePacket(CorePair.OverTheWire(packets[1]))).Single();   // fills it: at once too
        Assert.Equal(Data([packets[2]]).Single().Tsn, sack.CumulativeTsnAck);
        Assert.Empty(sack.GapAckBlocks);
    }

    [Fact]
    public void AT3RtxWhileThePeerStalledIsUndoneWhenTheLateFlightIsAcknowledged()
    {
        var pair = Measured();
        var cwnd = pair.A.Cwnd;
        var flight = Enumerable.Range(0, 4).SelectMany(_ => pair.A.Enqueue(1, 51, Chunk, default)).ToList();
        Assert.Equal(4, Data(flight).Count());

        pair.Clock.Advance(pair.A.Rto);   // the peer stalls: nothing comes back for an RTO
        var resent = Data(pair.A.OnTimer()).ToList();
        Assert.Equal(1, pair.A.Timeouts);
        Assert.Equal(Data(flight).First().Tsn, resent.First().Tsn);

        // The stalled peer catches up: its SACKs acknowledge the original flight.
        pair.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var sacks = new List<SctpPacket>();
        for (var i = 0; i < flight.Count; i++)
        {
            pair.B.MoreInputQueued = i < flight.Count - 1;   // the backlog is handled as one batch
            sacks.AddRange(pair.B.HandlePacket(CorePair.OverTheWire(flight[i])));
        }
        var after = sacks.SelectMany(s => pair.A.HandlePacket(CorePair.OverTheWire(s))).ToList();

        Assert.Empty(Data(after));                        // nothing of the late flight is sent again
        Assert.Equal(resent.Count, pair.A.Retransmissions);
        Assert.Equal(1, pair.A.Snapshot().SpuriousRetransmissionTimeouts);
        Assert.True(pair.A.Cwnd >= cwnd, $"cwnd {pair.A.Cwnd} after the undo, {cwnd} before");
        Assert.True(pair.A.AllSentDataAcknowledged);
    }

    [Fact]
    public void AT3RtxAfterARealLossIsNotUndone()
    {
        var pair = Measured();
        var lost = pair.A.Enqueue(1, 51, Chunk, default);
        pair.Clock.Advance(pair.A.Rto);
        var resent = pair.A.OnTimer();
        pair.Clock.Advance(TimeSpan.FromMilliseconds(10));
        pair.Pump(resent);
        pair.Advance(TimeSpan.FromMilliseconds(200));   // B's delayed SACK

        Assert.NotEmpty(lost);
        Assert.True(pair.A.AllSentDataAcknowledged);
        Assert.Equal(1, pair.A.Timeouts);
        Assert.Equal(0, pair.A.Snapshot().SpuriousRetransmissionTimeouts);
        Assert.True(pair.A.Cwnd <= 2 * 1200, $"cwnd {pair.A.Cwnd}");
    }

    [Fact]
    public void AChunkReportedMissingOnceIsRetransmittedWhenOverdueWithoutT3()
    {
        var pair = Measured();
        var packets = Enumerable.Range(0, 2).SelectMany(_ => pair.A.Enqueue(1, 51, Chunk, default)).ToList();
        var lostTsn = Data([packets[0]]).Single().Tsn;
        pair.Clock.Advance(TimeSpan.FromMilliseconds(5));
        var sack = pair.B.HandlePacket(CorePair.OverTheWire(packets[1]));   // one miss indication, not three
        Assert.Empty(Data(sack.SelectMany(s => pair.A.HandlePacket(CorePair.OverTheWire(s)))));

        var deadline = pair.A.NextDeadline!.Value;
        Assert.True(deadline < pair.A.Now + pair.A.Rto, $"loss timer {deadline}, T3 at {pair.A.Now + pair.A.Rto}");
        pair.Clock.Advance(deadline - pair.A.Now);
        var resent = Data(pair.A.OnTimer()).Single();

        Assert.Equal(lostTsn, resent.Tsn);
        Assert.Equal(0, pair.A.Timeouts);
        Assert.Equal(1, pair.A.Snapshot().FastRetransmissions);
    }

    [Fact]
    public void AReorderedChunkIsNotRetransmittedBeforeItIsOverdue()
    {
        var pair = Measured();
        var packets = Enumerable.Range(0, 2).SelectMany(_ => pair.A.Enqueue(1, 51, Chunk, default)).ToList();
        pair.Clock.Advance(TimeSpan.FromMilliseconds(5));
        var sacks = pair.B.HandlePacket(CorePair.OverTheWire(packets[1]));
        Assert.Empty(sacks.SelectMany(s => pair.A.HandlePacket(CorePair.OverTheWire(s))));
        pair.Clock.Advance(TimeSpan.FromMilliseconds(1));   // the first one arrives late, well within SRTT + 4·RTTVAR
        pair.Pump(pair.B.HandlePacket(CorePair.OverTheWire(packets[0])).SelectMany(s => pair.A.HandlePacket(CorePair.OverTheWire(s))));

        Assert.True(pair.A.AllSentDataAcknowledged);
        Assert.Null(pair.A.NextDeadline is { } d && d < pair.A.Now + TimeSpan.FromSeconds(1) ? d : null);
        Assert.Equal(0, pair.A.Retransmissions);
    }

    [Fact]
    public void AfterALossASmallFullWindowAsksForAnImmediateSack()
    {
        var pair = new CorePair();
        pair.Establish();
        var initial = Data(pair.A.Enqueue(1, 51, new byte[20_000], default)).ToList();   // more than the initial cwnd holds
        Assert.DoesNotContain(initial, c => c.Immediate);   // no loss yet: the usual SACK rules
        pair.Clock.Advance(pair.A.Rto);
        var resent = Data(pair.A.OnTimer()).ToList();   // T3-rtx: cwnd is one MTU, more waits

        Assert.NotEmpty(resent);
        Assert.True(resent[^1].Immediate);
        Assert.All(resent.SkipLast(1), c => Assert.False(c.Immediate));
    }

    [Fact]
    public void ASilenceWithDataWaitingIsProbedWithNewDataBeforeT3()
    {
        var pair = Measured();
        var flight = Data(pair.A.Enqueue(1, 51, new byte[20_000], default)).ToList();   // all of it lost, or all its SACKs
        var t3 = pair.A.Now + pair.A.Rto;
        var probeAt = pair.A.NextDeadline!.Value;
        Assert.True(probeAt < t3, $"probe at {probeAt}, T3 at {t3}");

        pair.Clock.Advance(probeAt - pair.A.Now);
        var probe = Data(pair.A.OnTimer()).Single();

        Assert.True(Tsn.Gt(probe.Tsn, flight[^1].Tsn));   // new data, not a retransmission
        Assert.True(probe.Immediate);
        Assert.Equal(0, pair.A.Timeouts);
        Assert.Equal(1, pair.A.Snapshot().TailLossProbes);
        Assert.True(pair.A.NextDeadline > probeAt + (probeAt - (t3 - pair.A.Rto)), "the next probe waits twice as long");
    }
}

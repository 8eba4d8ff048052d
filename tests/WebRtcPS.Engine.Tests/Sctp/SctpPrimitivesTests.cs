using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.Tests.Sctp;

public class SctpPrimitivesTests
{
    [Fact]
    public void SerialNumberArithmeticWrapsAround()
    {
        Assert.True(Tsn.Lt(0xFFFFFFFFu, 0u));
        Assert.True(Tsn.Gt(5u, 0xFFFFFFF0u));
        Assert.True(Tsn.Lte(7u, 7u));
        Assert.True(Tsn.Lt((ushort)65535, (ushort)0));
        Assert.False(Tsn.Lt((ushort)3, (ushort)3));
    }

    [Fact]
    public void RtoFollowsRfc9260Section631()
    {
        var rto = new RtoCalculator(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(1), rto.Rto);
        rto.AddMeasurement(TimeSpan.FromMilliseconds(200));          // SRTT 200, RTTVAR 100 -> 600
        Assert.Equal(600, rto.Rto.TotalMilliseconds, 3);
        rto.AddMeasurement(TimeSpan.FromMilliseconds(200));          // RTTVAR 75, SRTT 200 -> 500
        Assert.Equal(500, rto.Rto.TotalMilliseconds, 3);
        rto.Backoff();
        Assert.Equal(1000, rto.Rto.TotalMilliseconds, 3);
        for (var i = 0; i < 10; i++) rto.Backoff();
        Assert.Equal(TimeSpan.FromSeconds(10), rto.Rto);
        for (var i = 0; i < 50; i++) rto.AddMeasurement(TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromMilliseconds(100), rto.Rto);   // clamped to RTO.Min
    }

    [Fact]
    public void CongestionWindowFollowsRfc9260Section72()
    {
        var cc = new CongestionController(1200, 100_000);
        Assert.Equal(4380, cc.Cwnd);                          // min(4*MTU, max(2*MTU, 4380))
        cc.OnCumulativeAckAdvanced(3000, flightBefore: 4380);
        Assert.Equal(4380 + 1200, cc.Cwnd);                   // slow start: at most one MTU per SACK
        cc.OnCumulativeAckAdvanced(3000, flightBefore: 100);
        Assert.Equal(5580, cc.Cwnd);                          // not fully used: no growth
        cc.OnFastRetransmit(highestOutstandingTsn: 50);
        Assert.Equal(4800, cc.Ssthresh);                      // max(cwnd/2, 4*MTU)
        Assert.Equal(4800, cc.Cwnd);
        Assert.True(cc.InFastRecovery);
        cc.OnFastRetransmit(60);
        Assert.Equal(4800, cc.Cwnd);                          // once per recovery
        cc.OnCumulativeAck(50);
        Assert.False(cc.InFastRecovery);
        cc.OnCumulativeAckAdvanced(4800, flightBefore: 4800); // congestion avoidance: +MTU per cwnd acked
        Assert.Equal(6000, cc.Cwnd);
        cc.OnRetransmissionTimeout();
        Assert.Equal(1200, cc.Cwnd);
        Assert.Equal(4800, cc.Ssthresh);
    }

    [Fact]
    public void TsnTrackerReportsGapsAndDuplicates()
    {
        var t = new ReceivedTsnTracker(100);
        Assert.True(t.Mark(101));
        Assert.True(t.Mark(103));
        Assert.True(t.Mark(104));
        Assert.True(t.Mark(107));
        Assert.False(t.Mark(103));
        Assert.False(t.Mark(99));
        Assert.Equal(101u, t.CumulativeTsn);
        Assert.Equal(new[] { new GapAckBlock(2, 3), new GapAckBlock(6, 6) }, t.GapAckBlocks());
        Assert.Equal(new uint[] { 103, 99 }, t.TakeDuplicates());
        Assert.Empty(t.TakeDuplicates());
        Assert.True(t.Mark(102));
        Assert.Equal(104u, t.CumulativeTsn);
        Assert.Equal(1u, t.ForwardTo(105));   // 105 never came
        Assert.Equal(105u, t.CumulativeTsn);
        Assert.True(t.Mark(106));
        Assert.Equal(107u, t.CumulativeTsn);
        Assert.False(t.HasGaps);
    }

    [Fact]
    public void ForwardTsn_CountsTheSkippedTsnsThatNeverCame()
    {
        var t = new ReceivedTsnTracker(10);
        Assert.True(t.Mark(12));
        Assert.True(t.Mark(14));
        Assert.Equal(3u, t.ForwardTo(15));   // 11, 13 and 15 were abandoned by the sender
        Assert.Equal(15u, t.CumulativeTsn);
        Assert.False(t.HasGaps);
        Assert.Equal(0u, t.ForwardTo(15));   // a repeated FORWARD-TSN skips nothing
    }

    [Fact]
    public void TsnTrackerWrapsAround()
    {
        var t = new ReceivedTsnTracker(0xFFFFFFFE);
        Assert.True(t.Mark(0));
        Assert.True(t.Mark(0xFFFFFFFF));
        Assert.Equal(0u, t.CumulativeTsn);
    }

    private static DataChunk Fragment(uint tsn, ushort stream, ushort ssn, bool b, bool e, byte fill, bool unordered = false) =>
        new(tsn, stream, ssn, 51, new[] { fill, fill }, unordered, b, e);

    [Fact]
    public void ReassemblyDeliversOrderedMessagesInSsnOrder()
    {
        var q = new ReassemblyQueue(1000);
        var delivered = new List<SctpMessage>();
        Assert.True(q.Add(Fragment(12, 1, 1, true, true, 9), delivered));           // SSN 1 before SSN 0
        Assert.Empty(delivered);
        Assert.True(q.Add(Fragment(11, 1, 0, false, true, 2), delivered));          // end of SSN 0
        Assert.True(q.Add(Fragment(10, 1, 0, true, false, 1), delivered));          // start of SSN 0
        Assert.Equal(2, delivered.Count);
        Assert.Equal(new byte[] { 1, 1, 2, 2 }, delivered[0].Data);
        Assert.Equal(new byte[] { 9, 9 }, delivered[1].Data);
        Assert.Equal(0, q.BufferedBytes);
    }

    [Fact]
    public void ReassemblyDeliversUnorderedMessagesWhenComplete()
    {
        var q = new ReassemblyQueue(1000);
        var delivered = new List<SctpMessage>();
        q.Add(Fragment(21, 2, 0, false, true, 2, unordered: true), delivered);
        q.Add(Fragment(30, 2, 0, true, true, 7, unordered: true), delivered);
        Assert.Single(delivered);
        q.Add(Fragment(20, 2, 0, true, false, 1, unordered: true), delivered);
        Assert.Equal(2, delivered.Count);
        Assert.Equal(new byte[] { 1, 1, 2, 2 }, delivered[1].Data);
        Assert.True(delivered[1].Unordered);
    }

    [Fact]
    public void ReassemblySkipsAbandonedMessagesOnForwardTsn()
    {
        var q = new ReassemblyQueue(1000);
        var delivered = new List<SctpMessage>();
        q.Add(Fragment(40, 3, 0, true, false, 1), delivered);                     // SSN 0 never completes
        q.Add(Fragment(43, 3, 1, true, true, 5), delivered);                      // SSN 1 waits behind it
        q.Add(Fragment(50, 4, 0, true, false, 6, unordered: true), delivered);
        Assert.Empty(delivered);
        q.Skip(42, [new ForwardTsnStream(3, 0)], delivered);
        Assert.Single(delivered);
        Assert.Equal(new byte[] { 5, 5 }, delivered[0].Data);
        q.Skip(50, [], delivered);
        Assert.Equal(0, q.BufferedBytes);
    }

    [Fact]
    public void ForwardTsnStillDeliversCompleteMessagesBelowTheSkippedSsn()
    {
        var q = new ReassemblyQueue(1000);
        var delivered = new List<SctpMessage>();
        q.Add(Fragment(11, 3, 1, true, true, 1), delivered);                      // SSN 1 whole, waiting for SSN 0
        q.Add(Fragment(13, 3, 2, true, false, 2), delivered);                     // SSN 2 incomplete
        q.Add(Fragment(16, 3, 3, true, true, 3), delivered);                      // SSN 3 after the skip
        q.Skip(15, [new ForwardTsnStream(3, 2)], delivered);
        Assert.Equal([new byte[] { 1, 1 }, new byte[] { 3, 3 }], delivered.Select(m => m.Data));
        Assert.Equal(0, q.BufferedBytes);
    }

    [Fact]
    public void ReassemblyRefusesMessagesAboveTheMaximum()
    {
        var q = new ReassemblyQueue(3);
        var delivered = new List<SctpMessage>();
        Assert.True(q.Add(Fragment(1, 0, 0, true, false, 1), delivered));
        Assert.False(q.Add(Fragment(2, 0, 0, false, false, 1), delivered));
    }

    [Fact]
    public void StateCookieIsSignedAndVerified()
    {
        var key = new byte[32];
        new Random(3).NextBytes(key);
        var cookie = new StateCookie(1, 2, 3, 4, 5, 6, 7, true, false, 123456);
        var bytes = cookie.Sign(key);
        Assert.True(StateCookie.TryVerify(bytes, key, out var back));
        Assert.Equal(cookie, back);
        bytes[5] ^= 1;
        Assert.False(StateCookie.TryVerify(bytes, key, out _));
        Assert.False(StateCookie.TryVerify(bytes.AsSpan(1), key, out _));
    }
}

public class OutboundSchedulerTests
{
    private static OutboundMessage Message(ushort stream, int fragments, OutboundScheduler scheduler)
    {
        var message = new OutboundMessage { StreamId = stream, Ppid = 53, Options = default };
        for (var i = 0; i < fragments; i++)
        {
            var chunk = new OutboundChunk { Message = message, Payload = new byte[1], Beginning = i == 0, Ending = i == fragments - 1 };
            message.Fragments.Add(chunk);
            scheduler.Enqueue(chunk);
        }
        return message;
    }

    private static List<(ushort Stream, bool Beginning)> Drain(OutboundScheduler scheduler)
    {
        var order = new List<(ushort, bool)>();
        while (scheduler.TryPeek(out var c))
        {
            order.Add((c.Message.StreamId, c.Beginning));
            scheduler.Dequeue();
        }
        return order;
    }

    [Fact]
    public void StreamsTakeTurnsOneWholeMessageAtATime()
    {
        var s = new OutboundScheduler();
        Message(1, 3, s);
        Message(1, 1, s);
        Message(2, 1, s);
        Message(3, 2, s);
        Assert.Equal([(1, true), (1, false), (1, false), (2, true), (3, true), (3, false), (1, true)], Drain(s));
    }

    [Fact]
    public void AbandonedMessagesAreSkipped()
    {
        var s = new OutboundScheduler();
        Message(1, 2, s).Abandoned = true;
        Message(2, 1, s);
        Message(1, 1, s);
        Assert.Equal([(1, true), (2, true)], Drain(s));
    }
}

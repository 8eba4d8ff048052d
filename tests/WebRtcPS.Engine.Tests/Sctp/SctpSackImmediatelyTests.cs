using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>RFC 7053 SACK-IMMEDIATELY: a sender that waits for its data to be acknowledged gets
/// the SACK without the receiver's delayed-SACK wait (RFC 9260 §6.2). The clock never moves here,
/// so no delayed-SACK timer can be what acknowledged the data.</summary>
public class SctpSackImmediatelyTests
{
    private static readonly byte[] Hundred = new byte[100];

    private static IEnumerable<DataChunk> Data(IEnumerable<SctpPacket> packets) => packets.SelectMany(p => p.Chunks).OfType<DataChunk>();

    [Fact]
    public void AMessageSentWithTheFlagCarriesTheIBitAndIsAcknowledgedAtOnce()
    {
        var pair = new CorePair();
        pair.Establish();
        var sent = pair.A.Enqueue(1, 51, Hundred, new SctpSendOptions(SackImmediately: true));
        var data = Data(sent).Single();
        Assert.True(data.Immediate);
        var sack = pair.B.HandlePacket(CorePair.OverTheWire(sent.Single())).SelectMany(p => p.Chunks).OfType<SackChunk>().Single();
        Assert.Equal(data.Tsn, sack.CumulativeTsnAck);
        Assert.DoesNotContain(pair.A.RequestSackImmediately(), CorePair.HasData);   // in flight with the I bit: nothing to add
    }

    [Fact]
    public void OnlyTheLastFragmentOfAFlaggedMessageCarriesTheIBit()
    {
        var pair = new CorePair();
        pair.Establish();
        var chunks = Data(pair.A.Enqueue(1, 53, new byte[3000], new SctpSendOptions(SackImmediately: true))).ToList();
        Assert.Equal(3, chunks.Count);
        Assert.Equal([false, false, true], chunks.Select(c => c.Immediate));
    }

    [Fact]
    public void AWaiterForALoneChunkInFlightSendsItAgainWithTheIBit()
    {
        var pair = new CorePair();
        pair.Establish();
        var sent = pair.A.Enqueue(1, 51, Hundred, default);
        var original = Data(sent).Single();
        Assert.False(original.Immediate);
        Assert.Empty(pair.B.HandlePacket(CorePair.OverTheWire(sent.Single())));   // the SACK is delayed

        var again = pair.A.RequestSackImmediately();
        var copy = Data(again).Single();
        Assert.Equal(original.Tsn, copy.Tsn);
        Assert.True(copy.Immediate);
        pair.Pump(again);
        Assert.True(pair.A.AllSentDataAcknowledged);
        Assert.Equal(1, pair.A.Retransmissions);
        Assert.Empty(pair.A.RequestSackImmediately());   // nothing unacknowledged: nothing sent
    }

    [Fact]
    public void AWaiterForQueuedDataMarksTheNewestChunkWhenItLeaves()
    {
        var pair = new CorePair();
        pair.Establish();
        var first = pair.A.Enqueue(1, 53, new byte[30_000], default);   // more than the initial cwnd: some fragments wait
        Assert.False(pair.A.AllSentDataAcknowledged);
        var more = pair.A.RequestSackImmediately();
        pair.Pump([.. first, .. more]);
        Assert.True(pair.A.AllSentDataAcknowledged);
        var chunks = Data(pair.AToB).ToList();
        Assert.True(chunks[^1].Immediate);
        Assert.True(chunks[^1].Ending);
        Assert.Single(chunks, c => c.Immediate);
        Assert.Equal(0, pair.A.Retransmissions);
    }

    [Fact]
    public void WithoutAWaiterALoneChunkWaitsForTheDelayedSack()
    {
        var pair = new CorePair();
        pair.Establish();
        pair.Pump(pair.A.Enqueue(1, 51, Hundred, default));
        Assert.False(pair.A.AllSentDataAcknowledged);
        pair.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(pair.A.AllSentDataAcknowledged);
    }

    [Fact]
    public async Task TheWaiterIsReleasedWithoutTheDelayedSackTimer()
    {
        var options = SctpPair.FastOptions() with { DelayedSackTime = TimeSpan.FromHours(1) };
        await using var pair = await SctpPair.ConnectAsync(seed: 31, options: options);
        pair.A.Send(1, 51, "greeting"u8.ToArray());
        Assert.Equal("greeting"u8.ToArray(), (await pair.ReadAtBAsync()).Data);
        Assert.True(await pair.A.WhenSentDataAcknowledgedAsync().WaitAsync(SctpPair.Generous));

        pair.A.Send(1, 51, "flagged"u8.ToArray(), new SctpSendOptions(SackImmediately: true));
        Assert.Equal("flagged"u8.ToArray(), (await pair.ReadAtBAsync()).Data);
        Assert.True(await pair.A.WhenSentDataAcknowledgedAsync().WaitAsync(SctpPair.Generous));
    }
}

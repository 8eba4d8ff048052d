using System.Buffers.Binary;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>PR-SCTP (RFC 3758) in the association core on a manual clock: what the sender
/// abandons, the receiver must be told to skip, or an ordered stream stalls behind it.</summary>
public class SctpCorePartialReliabilityTests
{
    private const int Fragment = 1172;   // (MTU 1200 - common header 12 - DATA header 16) rounded down to 4

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AMessageThatExpiresAfterItsSentFragmentsWereAcknowledgedIsStillSkipped(bool firstForwardTsnLost)
    {
        var pair = new CorePair();
        pair.Establish();
        // The initial cwnd (4380) lets four fragments out: two of a reliable message on stream 1,
        // then the first two of three of a message with a lifetime on stream 7.
        var sent = pair.A.Enqueue(1, 53, new byte[2 * Fragment], default);
        sent.AddRange(pair.A.Enqueue(7, 53, new byte[3 * Fragment], new SctpSendOptions(MaxLifetime: TimeSpan.FromMilliseconds(30))));
        var fragments = sent.SelectMany(p => p.Chunks).OfType<DataChunk>().ToList();
        Assert.Equal([true, true, false, false], fragments.Select(d => d.StreamId == 1));
        var sacks = sent.SelectMany(p => pair.B.HandlePacket(CorePair.OverTheWire(p))).ToList();
        // The last SACK (it acknowledges all four) comes back after the lifetime: the third
        // fragment expires unsent when nothing of the message is outstanding any more.
        var dropped = !firstForwardTsnLost;
        pair.DropAToB = p => !dropped && p.Chunks.Any(c => c is ForwardTsnChunk) && (dropped = true);
        pair.Clock.Advance(TimeSpan.FromMilliseconds(50));
        pair.Pump([], [sacks[^1]]);
        if (firstForwardTsnLost) pair.Advance(pair.A.Rto);   // T3-rtx runs for it (RFC 3758 §3.5 C5, A5)

        var forward = pair.AToB.SelectMany(p => p.Chunks).OfType<ForwardTsnChunk>().Last();
        Assert.Equal(firstForwardTsnLost ? 2 : 1, pair.AToB.Count(p => p.Chunks.Any(c => c is ForwardTsnChunk)));
        Assert.Equal(fragments[^1].Tsn + 1, forward.NewCumulativeTsn);   // a TSN taken for the unsent end
        Assert.Equal([new ForwardTsnStream(7, 0)], forward.Streams);
        Assert.Contains("reasmBytes=0 ", pair.B.Describe());
        pair.Pump(pair.A.Enqueue(7, 51, new byte[64], default));
        Assert.Equal(64, pair.B.Delivered.Single(m => m.StreamId == 7).Data.Length);
        pair.Advance(TimeSpan.FromMilliseconds(200));   // B's delayed SACK
        Assert.Contains("inflight=0 ", pair.A.Describe());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MessagesWithALifetimeOverALossyLinkNeverStallTheStream(bool ordered)
    {
        var options = new SctpAssociationOptions
        {
            RtoInitial = TimeSpan.FromMilliseconds(100), RtoMin = TimeSpan.FromMilliseconds(50), RtoMax = TimeSpan.FromSeconds(2),
            MaxAssociationRetransmits = 50,
        };
        var impairment = new LinkImpairment { LossRate = 0.1, DuplicateRate = 0.05 };
        const int count = 300;
        var lifetime = new SctpSendOptions(!ordered, MaxLifetime: TimeSpan.FromMilliseconds(30));
        for (var seed = 0; seed < 40; seed++)
        {
            var pair = new CorePair(options);
            pair.Establish();
            var link = new LossyCoreLink(pair, seed, impairment);
            for (var i = 0; i < count; i++)
            {
                link.FromA(pair.A.Enqueue(7, 53, Numbered(i, 200 + i * 997 % 3000), lifetime));
                link.RunUntil(pair.A.Now + TimeSpan.FromMilliseconds(2));
            }
            // Fully reliable and last: it arrives only if every abandoned message was skipped.
            link.FromA(pair.A.Enqueue(7, 51, Numbered(count, 64), new SctpSendOptions(!ordered)));
            link.RunUntil(pair.A.Now + TimeSpan.FromSeconds(30), () => pair.B.Delivered.Any(m => m.Ppid == 51));
            Assert.True(pair.B.Delivered.Any(m => m.Ppid == 51), $"seed {seed}: A {pair.A.Describe()} | B {pair.B.Describe()}");
            var received = pair.B.Delivered.Select(m => BinaryPrimitives.ReadInt32BigEndian(m.Data)).ToList();
            Assert.Equal(received.Count, received.Distinct().Count());
            if (ordered) Assert.Equal(received.Order(), received);
        }
    }

    private static byte[] Numbered(int index, int size)
    {
        var payload = new byte[size];
        BinaryPrimitives.WriteInt32BigEndian(payload, index);
        return payload;
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Transport;
using WebRtcPS.Engine.Tests.TestInfrastructure;

namespace WebRtcPS.Engine.Tests.Sctp;

public class SctpReliabilityTests
{
    private static readonly LinkImpairment Lossy = new() { LossRate = 0.1, DuplicateRate = 0.05, ReorderRate = 0.1 };

    private static byte[] Numbered(int index, int size)
    {
        var payload = new byte[size];
        new Random(index).NextBytes(payload);
        BinaryPrimitives.WriteInt32BigEndian(payload, index);
        return payload;
    }

    private static void AssertIntact(SctpMessage message, out int index)
    {
        index = BinaryPrimitives.ReadInt32BigEndian(message.Data);
        Assert.Equal(Numbered(index, message.Data.Length), message.Data);
    }

    [Fact]
    public async Task UnorderedReliableDeliversEverythingOverALossyLink()
    {
        await using var pair = await SctpPair.ConnectAsync(seed: 3, impairment: Lossy);
        const int count = 400;
        for (var i = 0; i < count; i++) await pair.A.SendAsync(5, 53, Numbered(i, 100 + i * 37 % 5000), new SctpSendOptions(Unordered: true));
        var seen = new HashSet<int>();
        using var cts = new CancellationTokenSource(SctpPair.Generous);
        while (seen.Count < count)
        {
            var message = await pair.B.Messages.ReadAsync(cts.Token);
            Assert.True(message.Unordered);
            AssertIntact(message, out var index);
            Assert.True(seen.Add(index));
        }
    }

    [Theory]
    [InlineData(true, 0, null)]
    [InlineData(false, 0, null)]
    [InlineData(true, 2, null)]
    [InlineData(true, null, 30)]
    [InlineData(false, null, 30)]
    public async Task PartiallyReliableMessagesMayBeLostButTheStreamNeverStalls(bool ordered, int? maxRetransmits, int? lifetimeMs)
    {
        await using var pair = await SctpPair.ConnectAsync(seed: 5, impairment: Lossy);
        const int count = 300;
        var options = new SctpSendOptions(!ordered, maxRetransmits, lifetimeMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
        for (var i = 0; i < count; i++) await pair.A.SendAsync(7, 53, Numbered(i, 200 + i * 997 % 3000), options);
        // A final fully reliable message on the same stream: it can only arrive if FORWARD-TSN let
        // the receiver skip what was abandoned (for ordered streams, the SSNs too).
        await pair.A.SendAsync(7, 51, Numbered(count, 64), new SctpSendOptions(!ordered));
        var received = new List<int>();
        while (true)
        {
            var message = await pair.ReadAtBAsync(TimeSpan.FromSeconds(30));
            AssertIntact(message, out var index);
            if (index == count) break;
            received.Add(index);
        }
        if (ordered) Assert.Equal(received.OrderBy(i => i), received);
        Assert.Equal(received.Count, received.Distinct().Count());
        Assert.True(received.Count <= count);
        // Everything abandoned must have been forwarded past, or shutdown could not complete.
        await pair.A.ShutdownAsync(new CancellationTokenSource(SctpPair.Generous).Token);
        await pair.B.Completion.WaitAsync(SctpPair.Generous);
        Assert.Null(pair.B.CloseReason);
    }

    [Fact]
    public async Task TwentyStreamsAtOnce()
    {
        await using var pair = await SctpPair.ConnectAsync(seed: 9, impairment: new LinkImpairment { LossRate = 0.02, ReorderRate = 0.02 });
        const int streams = 20, perStream = 40;
        var senders = Enumerable.Range(0, streams).Select(s => Task.Run(async () =>
        {
            for (var i = 0; i < perStream; i++) await pair.A.SendAsync((ushort)s, 53, Numbered(s * 1000 + i, 500 + s * 311 + i * 53));
        })).ToArray();
        var next = new int[streams];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        for (var n = 0; n < streams * perStream; n++)
        {
            SctpMessage message;
            try { message = await pair.B.Messages.ReadAsync(cts.Token); }
            catch (OperationCanceledException) { Assert.Fail($"after {n}: A {pair.A.Describe()} | B {pair.B.Describe()}"); throw; }
            AssertIntact(message, out var index);
            Assert.Equal(message.StreamId * 1000 + next[message.StreamId]++, index);
        }
        await Task.WhenAll(senders);
        Assert.All(next, c => Assert.Equal(perStream, c));
    }

    [Fact]
    public async Task ResettingOneStreamLeavesTheOthersRunning()
    {
        await using var pair = await SctpPair.ConnectAsync(seed: 13, impairment: new LinkImpairment { LossRate = 0.03 });
        var resetAtA = new TaskCompletionSource<StreamResetEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var resetAtB = new TaskCompletionSource<StreamResetEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.A.StreamReset += (_, e) => resetAtA.TrySetResult(e);
        pair.B.StreamReset += (_, e) => resetAtB.TrySetResult(e);
        for (var i = 0; i < 50; i++)
            foreach (ushort s in new ushort[] { 1, 2, 3 })
                await pair.A.SendAsync(s, 53, Numbered(s * 1000 + i, 1500));
        pair.A.ResetStreams(2);
        var outgoing = await resetAtA.Task.WaitAsync(SctpPair.Generous);
        var incoming = await resetAtB.Task.WaitAsync(SctpPair.Generous);
        Assert.Equal(new ushort[] { 2 }, outgoing.StreamIds);
        Assert.True(outgoing.Succeeded);
        Assert.Equal(StreamResetDirection.Outgoing, outgoing.Direction);
        Assert.Equal(StreamResetDirection.Incoming, incoming.Direction);
        for (var i = 50; i < 100; i++)
            foreach (ushort s in new ushort[] { 1, 3, 2 })
                await pair.A.SendAsync(s, 53, Numbered(s * 1000 + i, 1500));
        var next = new Dictionary<ushort, int> { [1] = 0, [2] = 0, [3] = 0 };
        using var cts = new CancellationTokenSource(SctpPair.Generous);
        for (var n = 0; n < 300; n++)
        {
            var message = await pair.B.Messages.ReadAsync(cts.Token);
            AssertIntact(message, out var index);
            Assert.Equal(message.StreamId * 1000 + next[message.StreamId]++, index);
        }
    }

    [Fact]
    public async Task ShutdownDeliversQueuedDataThenClosesBothSides()
    {
        await using var pair = await SctpPair.ConnectAsync(seed: 17, impairment: Lossy);
        var payload = RandomNumberGenerator.GetBytes(200_000);
        await pair.A.SendAsync(1, 53, payload);
        await pair.A.ShutdownAsync(new CancellationTokenSource(SctpPair.Generous).Token);
        await pair.B.Completion.WaitAsync(SctpPair.Generous);
        var message = await pair.B.Messages.ReadAsync();
        Assert.Equal(payload, message.Data);
        Assert.Equal(RTCSctpTransportState.Closed, pair.A.State);
        Assert.Equal(RTCSctpTransportState.Closed, pair.B.State);
    }

    [Fact]
    public async Task SentDataIsAcknowledgedOnlyOnceTheLostPacketIsRetransmitted()
    {
        await using var pair = await SctpPair.ConnectAsync(seed: 19);
        Assert.True(await pair.A.WhenSentDataAcknowledgedAsync().WaitAsync(SctpPair.Generous)); // nothing sent yet
        pair.Link.A.Blackhole = true;
        var dropped = pair.Link.A.Dropped;
        pair.A.Send(1, 51, "hello"u8.ToArray());
        var acknowledged = pair.A.WhenSentDataAcknowledgedAsync();
        await Poll.UntilAsync(() => pair.Link.A.Dropped > dropped, SctpPair.Generous, "the DATA packet dropped");
        Assert.False(acknowledged.IsCompleted);   // the greeting is lost: not acknowledged
        pair.Link.A.Blackhole = false;            // the retransmission gets through
        Assert.True(await acknowledged.WaitAsync(SctpPair.Generous));
        Assert.Equal("hello"u8.ToArray(), (await pair.ReadAtBAsync()).Data);
    }

    [Fact]
    public async Task SentDataNeverAcknowledgedIsFalseOnceTheAssociationCloses()
    {
        await using var pair = await SctpPair.ConnectAsync(seed: 23);
        pair.Link.A.Blackhole = true;
        pair.A.Send(1, 51, "lost"u8.ToArray());
        var acknowledged = pair.A.WhenSentDataAcknowledgedAsync();
        pair.A.Abort("test");
        Assert.False(await acknowledged.WaitAsync(SctpPair.Generous));
    }

    [Fact]
    public async Task AbortClosesThePeer()
    {
        await using var pair = await SctpPair.ConnectAsync();
        pair.A.Abort("test over");
        await pair.B.Completion.WaitAsync(SctpPair.Generous);
        Assert.Contains("test over", pair.B.CloseReason);
    }

    [Fact]
    public async Task HandshakeSurvivesALossyLink()
    {
        for (var seed = 100; seed < 105; seed++)
        {
            await using var pair = await SctpPair.ConnectAsync(seed, new LinkImpairment { LossRate = 0.3, DuplicateRate = 0.2, ReorderRate = 0.3 });
            await pair.A.SendAsync(1, 51, new byte[] { 42 });
            var message = await pair.B.Messages.ReadAsync().AsTask().WaitAsync(SctpPair.Generous);
            Assert.Equal(42, message.Data[0]);
        }
    }
}

using System.Security.Cryptography;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Tests.Sctp;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.DataChannels;

public class DataChannelTests
{
    private static Task<RTCDataChannelMessage> Next(System.Threading.Channels.ChannelReader<RTCDataChannelMessage> inbox) =>
        inbox.ReadAsync().AsTask().WaitAsync(SctpPair.Generous);

    [Fact]
    public async Task InBandChannelOpensOnBothSidesWithItsParameters()
    {
        await using var pair = await DataChannelPair.ConnectAsync();
        var (a, b) = await pair.OpenAsync("chat", new RTCDataChannelInit { Protocol = "json", Ordered = false, MaxRetransmits = 3 });
        Assert.Equal(RTCDataChannelState.Open, a.ReadyState);
        Assert.Equal(RTCDataChannelState.Open, b.ReadyState);
        Assert.Equal("chat", b.Label);
        Assert.Equal("json", b.Protocol);
        Assert.False(b.Ordered);
        Assert.Equal((ushort)3, b.MaxRetransmits);
        Assert.Null(b.MaxPacketLifeTime);
        Assert.False(b.Negotiated);
        Assert.Equal(a.Id, b.Id);
        Assert.Equal(0, a.Id!.Value % 2);   // DTLS client: even
    }

    [Fact]
    public async Task StreamIdsFollowTheDtlsRole()
    {
        await using var pair = await DataChannelPair.ConnectAsync();
        var fromServer = pair.B.CreateDataChannel("from-server");
        await DataChannelPair.WhenOpen(fromServer);
        var fromClient = pair.A.CreateDataChannel("from-client");
        await DataChannelPair.WhenOpen(fromClient);
        Assert.Equal(1, fromServer.Id!.Value % 2);
        Assert.Equal(0, fromClient.Id!.Value % 2);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1200)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(262144)]
    public async Task CarriesBinaryAndTextMessagesOfManySizes(int size)
    {
        await using var pair = await DataChannelPair.ConnectAsync();
        var (a, b) = await pair.OpenAsync("sizes");
        var inbox = DataChannelPair.Inbox(b);
        var payload = RandomNumberGenerator.GetBytes(size);
        var text = new string('é', size / 2);
        a.Send(payload);
        a.Send(text);
        var binary = await Next(inbox);
        Assert.False(binary.IsText);
        Assert.Equal(payload, binary.Data);
        var textMessage = await Next(inbox);
        Assert.True(textMessage.IsText);
        Assert.Equal(text, textMessage.Text);
    }

    [Fact]
    public async Task NegotiatedChannelsOpenWithoutDcep()
    {
        await using var pair = await DataChannelPair.ConnectAsync();
        var init = new RTCDataChannelInit { Negotiated = true, Id = 42 };
        var a = pair.A.CreateDataChannel("pre", init);
        var b = pair.B.CreateDataChannel("pre", init);
        await Task.WhenAll(DataChannelPair.WhenOpen(a), DataChannelPair.WhenOpen(b));
        var inbox = DataChannelPair.Inbox(b);
        a.Send("hello");
        Assert.Equal("hello", (await Next(inbox)).Text);
        Assert.Equal(0, pair.IncomingAtB.Reader.Count);
    }

    [Fact]
    public async Task SendBeforeOpenIsAnInvalidStateError()
    {
        // A manager without its association yet (a peer connection before DTLS is up): the channel
        // waits, connecting, for the transport.
        var manager = new DataChannelManager(logger: null);
        var channel = manager.CreateDataChannel("not yet");
        Assert.Equal(RTCDataChannelState.Connecting, channel.ReadyState);
        Assert.Throws<InvalidStateError>(() => channel.Send("x"));
        await Assert.ThrowsAsync<InvalidStateError>(async () => await channel.SendAsync("x"));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    [InlineData(0.05)]
    [InlineData(0.10)]
    public async Task SixteenMebibytesThroughOneChannelMatchSha256(double loss)
    {
        await using var pair = await DataChannelPair.ConnectAsync(seed: 31,
            new LinkImpairment { LossRate = loss, DuplicateRate = loss / 2, ReorderRate = loss });
        var (a, b) = await pair.OpenAsync("bulk");
        const long total = 16L * 1024 * 1024;
        using var received = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long got = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.OnMessage += (_, m) =>
        {
            received.AppendData(m.Data);
            if ((got += m.Data.Length) >= total) done.TrySetResult();
        };
        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var rng = new Random(41);
        for (long n = 0; n < total;)
        {
            var chunk = new byte[(int)Math.Min(total - n, rng.Next(1, 65536))];
            rng.NextBytes(chunk);
            sent.AppendData(chunk);
            await a.SendAsync(chunk);
            n += chunk.Length;
        }
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(Convert.ToHexString(sent.GetHashAndReset()), Convert.ToHexString(received.GetHashAndReset()));
    }

    [Theory]
    [InlineData(false, (ushort)0, null)]
    [InlineData(true, null, (ushort)50)]
    [InlineData(false, null, null)]
    public async Task UnorderedAndPartiallyReliableChannelsDeliverIntactMessages(bool ordered, ushort? maxRetransmits, ushort? lifetime)
    {
        await using var pair = await DataChannelPair.ConnectAsync(seed: 33, new LinkImpairment { LossRate = 0.1, ReorderRate = 0.1, DuplicateRate = 0.05 });
        var (a, b) = await pair.OpenAsync("pr", new RTCDataChannelInit { Ordered = ordered, MaxRetransmits = maxRetransmits, MaxPacketLifeTime = lifetime });
        Assert.Equal(ordered, b.Ordered);
        var inbox = DataChannelPair.Inbox(b);
        const int count = 200;
        for (var i = 0; i < count; i++) await a.SendAsync($"{i}:" + new string('x', i * 13 % 4000));
        var reliable = pair.A.CreateDataChannel("marker");
        await DataChannelPair.WhenOpen(reliable);
        var markerAtB = await pair.IncomingAtB.Reader.ReadAsync().AsTask().WaitAsync(SctpPair.Generous);
        var markerInbox = DataChannelPair.Inbox(markerAtB);
        reliable.Send("done");
        Assert.Equal("done", (await Next(markerInbox)).Text);
        var seen = new List<int>();
        while (inbox.TryRead(out var m))
        {
            var parts = m.Text!.Split(':');
            var i = int.Parse(parts[0]);
            Assert.Equal(new string('x', i * 13 % 4000), parts[1]);
            seen.Add(i);
        }
        if (ordered) Assert.Equal(seen.OrderBy(i => i), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        if (maxRetransmits is null && lifetime is null)
        {
            while (seen.Count < count) seen.Add(int.Parse((await Next(inbox)).Text!.Split(':')[0]));
            Assert.Equal(Enumerable.Range(0, count), seen.Order());
        }
    }

    [Fact]
    public async Task TwentyChannelsAtOnce()
    {
        await using var pair = await DataChannelPair.ConnectAsync(seed: 35, new LinkImpairment { LossRate = 0.02 });
        var channels = new List<(RTCDataChannel A, RTCDataChannel B)>();
        for (var i = 0; i < 20; i++) channels.Add(await pair.OpenAsync($"ch{i}"));
        var inboxes = channels.Select(c => DataChannelPair.Inbox(c.B)).ToArray();
        await Task.WhenAll(channels.Select((c, i) => Task.Run(async () =>
        {
            for (var n = 0; n < 30; n++) await c.A.SendAsync($"{c.A.Label}/{n}/" + new string('z', (i + 1) * 300));
        })));
        for (var i = 0; i < 20; i++)
            for (var n = 0; n < 30; n++)
                Assert.Equal($"ch{i}/{n}/" + new string('z', (i + 1) * 300), (await Next(inboxes[i])).Text);
        Assert.Equal(20, channels.Select(c => c.A.Id).Distinct().Count());
    }

    [Fact]
    public async Task ClosingOneChannelResetsItsStreamWhileOthersCarryOn()
    {
        await using var pair = await DataChannelPair.ConnectAsync(seed: 37, new LinkImpairment { LossRate = 0.03 });
        var keep = await pair.OpenAsync("keep");
        var drop = await pair.OpenAsync("drop");
        var keepInbox = DataChannelPair.Inbox(keep.AtB);
        var dropInbox = DataChannelPair.Inbox(drop.AtB);
        for (var i = 0; i < 20; i++)
        {
            keep.AtA.Send($"k{i}");
            drop.AtA.Send($"d{i}");
        }
        var closedAtA = DataChannelPair.WhenClosed(drop.AtA);
        var closedAtB = DataChannelPair.WhenClosed(drop.AtB);
        drop.AtA.Close();
        Assert.Equal(RTCDataChannelState.Closing, drop.AtA.ReadyState);
        await Task.WhenAll(closedAtA, closedAtB);
        // Everything sent before close() still arrived, in order.
        for (var i = 0; i < 20; i++) Assert.Equal($"d{i}", (await Next(dropInbox)).Text);
        Assert.Throws<InvalidStateError>(() => drop.AtA.Send("late"));
        for (var i = 20; i < 40; i++) keep.AtA.Send($"k{i}");
        for (var i = 0; i < 40; i++) Assert.Equal($"k{i}", (await Next(keepInbox)).Text);
        Assert.Equal(RTCDataChannelState.Open, keep.AtB.ReadyState);
        // The freed stream id can be used again.
        var again = await pair.OpenAsync("again");
        Assert.Equal(drop.AtA.Id, again.AtA.Id);
    }

    [Fact]
    public async Task BufferedAmountLowFiresWhenTheQueueDrains()
    {
        await using var pair = await DataChannelPair.ConnectAsync();
        var (a, b) = await pair.OpenAsync("buffered");
        // The receiver holds its messages until every send is queued: otherwise the first message can
        // leave (and fire the event, rightly) before the second is queued when this thread is
        // preempted, and the queue can drain before BufferedAmount is read.
        using var gate = new ManualResetEventSlim(false);
        b.OnMessage += (_, _) => gate.Wait();
        a.BufferedAmountLowThreshold = 1024;
        var low = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = 0;
        // An event for the first message's departure may still be on its way when everything is
        // queued: only one that finds the queue drained counts.
        a.OnBufferedAmountLow += (_, _) => { if (Volatile.Read(ref queued) == 1 && a.BufferedAmount <= 1024) low.TrySetResult(); };
        for (var i = 0; i < 64; i++) a.Send(new byte[60000]);
        Volatile.Write(ref queued, 1);
        Assert.True(a.BufferedAmount > 1024);
        gate.Set();
        await low.Task.WaitAsync(SctpPair.Generous);
        Assert.True(a.BufferedAmount <= 1024);
    }

    [Fact]
    public async Task AssociationAbortClosesEveryChannelWithAnError()
    {
        await using var pair = await DataChannelPair.ConnectAsync();
        var (a, b) = await pair.OpenAsync("x");
        var error = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.OnError += (_, e) => error.TrySetResult(e.Message);
        var closed = DataChannelPair.WhenClosed(b);
        pair.AssociationA.Abort("bye");
        Assert.Contains("bye", await error.Task.WaitAsync(SctpPair.Generous));
        await closed;
        Assert.Equal(RTCDataChannelState.Closed, b.ReadyState);
    }

    [Fact]
    public async Task ASlowOnMessageHandlerThrottlesTheSender()
    {
        await using var pair = await DataChannelPair.ConnectAsync();
        var (a, b) = await pair.OpenAsync("slow");
        using var gate = new ManualResetEventSlim(false);
        long got = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int count = 64;
        b.OnMessage += (_, m) =>
        {
            gate.Wait();
            if (Interlocked.Add(ref got, m.Data.Length) == count * 65536L) all.TrySetResult();
        };
        for (var i = 0; i < count; i++) a.Send(new byte[65536]);   // 4 MiB, four receive windows
        using (var cts = new CancellationTokenSource(SctpPair.Generous))
            while (pair.AssociationB.UnconsumedBytes < 512 * 1024) await Task.Delay(10, cts.Token);
        await Task.Delay(500);
        Assert.InRange(pair.AssociationB.UnconsumedBytes, 0, 1024 * 1024 + 262144);
        // Nothing is consumed (the handler waits), so at most the receiver's queue plus one window in
        // flight has left the sender: of 4 MiB, well over 1 MiB must still be buffered at the sender.
        Assert.InRange(a.BufferedAmount, 1024 * 1024, count * 65536L);
        gate.Set();
        await all.Task.WaitAsync(SctpPair.Generous);
    }

    [Fact]
    public async Task ChannelsCreatedBeforeTheAssociationIsUpOpenOnceItIs()
    {
        var link = new InMemoryDatagramLink();
        var options = new WebRtcPS.Engine.Sctp.SctpAssociationOptions { DeliverMessagesAsEvents = true };
        await using var a = new WebRtcPS.Engine.Sctp.SctpAssociation(link.A, options);
        await using var b = new WebRtcPS.Engine.Sctp.SctpAssociation(link.B, options);
        var managerA = new DataChannelManager(a, isDtlsClient: true);
        var managerB = new DataChannelManager(b, isDtlsClient: false);
        var incoming = new TaskCompletionSource<RTCDataChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        managerB.OnDataChannel += (_, c) => incoming.TrySetResult(c);
        var early = managerA.CreateDataChannel("early");
        var negotiatedA = managerA.CreateDataChannel("neg", new RTCDataChannelInit { Negotiated = true, Id = 7 });
        var negotiatedB = managerB.CreateDataChannel("neg", new RTCDataChannelInit { Negotiated = true, Id = 7 });
        Assert.Null(early.Id);
        Assert.Equal(RTCDataChannelState.Connecting, early.ReadyState);
        a.Start();
        b.Start();
        await Task.WhenAll(DataChannelPair.WhenOpen(early), DataChannelPair.WhenOpen(negotiatedA), DataChannelPair.WhenOpen(negotiatedB));
        Assert.Equal("early", (await incoming.Task.WaitAsync(SctpPair.Generous)).Label);
        Assert.Equal((ushort)0, early.Id);
    }

    [Fact]
    public async Task UserDataBeforeTheAckOpensTheChannelAndIsDelivered()
    {
        // The acceptor's ACK travels ordered and its first message unordered, so the message can
        // arrive first (RFC 8832 §6): it implies the ACK. Here the peer is a bare association that
        // answers the OPEN with data only, never an ACK.
        var link = new InMemoryDatagramLink();
        var options = new WebRtcPS.Engine.Sctp.SctpAssociationOptions { DeliverMessagesAsEvents = true };
        await using var a = new WebRtcPS.Engine.Sctp.SctpAssociation(link.A, options);
        await using var b = new WebRtcPS.Engine.Sctp.SctpAssociation(link.B, options);
        var manager = new DataChannelManager(a, isDtlsClient: true);
        b.MessageReceived += (_, m) =>
        {
            if (m.Ppid == (uint)DataChannelPpid.Dcep) b.Send(m.StreamId, (uint)DataChannelPpid.String, "before the ack"u8.ToArray(), new(Unordered: true));
        };
        var channel = manager.CreateDataChannel("early-data", new RTCDataChannelInit { Ordered = false, MaxRetransmits = 0 });
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        channel.OnOpen += (_, _) => order.Enqueue("open");
        channel.OnMessage += (_, m) => order.Enqueue(System.Text.Encoding.UTF8.GetString(m.Data));
        var inbox = DataChannelPair.Inbox(channel);
        a.Start();
        b.Start();
        Assert.Equal("before the ack", System.Text.Encoding.UTF8.GetString((await Next(inbox)).Data));
        Assert.Equal(RTCDataChannelState.Open, channel.ReadyState);
        Assert.Equal(["open", "before the ack"], order.ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnInBandChannelOpensWithItsOpenAndSendsOrderedUntilThePeerAnswers(bool peerAcks)
    {
        // The peer is a bare association that answers the OPEN only when told to: the channel is
        // open before any answer, and its unordered messages travel ordered until the ACK (or the
        // peer's first message) comes back (RFC 8832 §6).
        await using var peer = new BarePeer();
        var (a, b, manager, atB) = (peer.A, peer.B, peer.Manager, peer.AtB);
        var channel = manager.CreateDataChannel("unordered", new RTCDataChannelInit { Ordered = false });
        a.Start();
        b.Start();
        await DataChannelPair.WhenOpen(channel);
        var open = await atB.Reader.ReadAsync().AsTask().WaitAsync(SctpPair.Generous);
        Assert.Equal((uint)DataChannelPpid.Dcep, open.Ppid);
        Assert.Equal(RTCDataChannelState.Open, channel.ReadyState);

        channel.Send("before the answer");
        var early = await atB.Reader.ReadAsync().AsTask().WaitAsync(SctpPair.Generous);
        Assert.Equal("before the answer", System.Text.Encoding.UTF8.GetString(early.Data));
        Assert.False(early.Unordered);

        var inbox = DataChannelPair.Inbox(channel);
        if (peerAcks)
        {
            var ack = new byte[1];
            new DataChannelAckMessage().Write(ack);
            b.Send(open.StreamId, (uint)DataChannelPpid.Dcep, ack);
        }
        else
        {
            b.Send(open.StreamId, (uint)DataChannelPpid.String, "an answer"u8.ToArray());
            Assert.Equal("an answer", (await Next(inbox)).Text);
        }
        // The answer is taken on A's event task; a message sent after it goes unordered.
        var deadline = DateTime.UtcNow + SctpPair.Generous;
        while (channel.AwaitingAck && DateTime.UtcNow < deadline) await Task.Delay(5);
        channel.Send("after the answer");
        var late = await atB.Reader.ReadAsync().AsTask().WaitAsync(SctpPair.Generous);
        Assert.Equal("after the answer", System.Text.Encoding.UTF8.GetString(late.Data));
        Assert.True(late.Unordered);
    }

    [Fact]
    public async Task AChannelCreatedOnAnAssociationAlreadyUpOpensAtTheAck()
    {
        // Created while SCTP is up, the channel waits for the peer's ACK (a handler attached right
        // after createDataChannel returns must not miss its open); its OPEN goes out at once.
        await using var peer = new BarePeer();
        var (a, b, manager, atB) = (peer.A, peer.B, peer.Manager, peer.AtB);
        // The manager knows the association is up once a channel made before it opens.
        var first = manager.CreateDataChannel("first");
        a.Start();
        b.Start();
        await DataChannelPair.WhenOpen(first);
        Assert.Equal("first", DataChannelOpenMessage.TryParse((await atB.Reader.ReadAsync().AsTask().WaitAsync(SctpPair.Generous)).Data, out var firstOpen) ? firstOpen.Label : null);

        var opened = new List<RTCDataChannel>();
        var created = manager.CreateDataChannel("late", null, c => c.OnOpen += (_, _) => { lock (opened) opened.Add(c); });
        var open = await atB.Reader.ReadAsync().AsTask().WaitAsync(SctpPair.Generous);
        Assert.Equal((uint)DataChannelPpid.Dcep, open.Ppid);
        Assert.Equal(RTCDataChannelState.Connecting, created.ReadyState);

        var ack = new byte[1];
        new DataChannelAckMessage().Write(ack);
        b.Send(open.StreamId, (uint)DataChannelPpid.Dcep, ack);
        await DataChannelPair.WhenOpen(created);
        Assert.False(created.AwaitingAck);
        var deadline = DateTime.UtcNow + SctpPair.Generous;
        while (opened.Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.Equal([created], opened);   // the handler attached at creation saw the open
    }

    /// <summary>Our manager on association A, and a bare association B that answers nothing by
    /// itself: what reaches B is in <see cref="AtB"/>.</summary>
    private sealed class BarePeer : IAsyncDisposable
    {
        private static readonly WebRtcPS.Engine.Sctp.SctpAssociationOptions Options = new() { DeliverMessagesAsEvents = true };
        private readonly InMemoryDatagramLink _link = new();

        public BarePeer()
        {
            A = new WebRtcPS.Engine.Sctp.SctpAssociation(_link.A, Options);
            B = new WebRtcPS.Engine.Sctp.SctpAssociation(_link.B, Options);
            Manager = new DataChannelManager(A, isDtlsClient: true);
            B.MessageReceived += (_, m) => AtB.Writer.TryWrite(m);
        }

        public WebRtcPS.Engine.Sctp.SctpAssociation A { get; }
        public WebRtcPS.Engine.Sctp.SctpAssociation B { get; }
        public DataChannelManager Manager { get; }
        public System.Threading.Channels.Channel<WebRtcPS.Engine.Sctp.SctpMessage> AtB { get; } =
            System.Threading.Channels.Channel.CreateUnbounded<WebRtcPS.Engine.Sctp.SctpMessage>();

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }
}

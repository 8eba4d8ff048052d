using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>The association core on a manual clock: handshake, SACK policy, retransmission,
/// PR-SCTP and stream reset, step by step and deterministic.</summary>
public class SctpCoreTests
{
    private static readonly byte[] Hundred = new byte[100];

    private static T Only<T>(IEnumerable<SctpPacket> packets) where T : ISctpChunk => packets.SelectMany(p => p.Chunks).OfType<T>().Single();

    [Fact]
    public void FourWayHandshake()
    {
        var pair = new CorePair();
        pair.Pump(pair.A.Connect());
        Assert.Equal(AssociationState.Established, pair.A.State);
        Assert.Equal(AssociationState.Established, pair.B.State);
        Assert.Equal([ChunkType.Init, ChunkType.CookieEcho], pair.AToB.Select(p => p.Chunks.Single().Type));
        Assert.Equal([ChunkType.InitAck, ChunkType.CookieAck], pair.BToA.Select(p => p.Chunks.Single().Type));
        Assert.Equal(0u, pair.AToB[0].VerificationTag);
        Assert.Equal(pair.A.LocalVerificationTag, pair.BToA[0].VerificationTag);
        Assert.Equal(pair.B.LocalVerificationTag, pair.AToB[1].VerificationTag);
    }

    [Fact]
    public void InitCollisionEstablishesBothSides()
    {
        var pair = new CorePair();
        pair.Pump(pair.A.Connect(), pair.B.Connect());
        Assert.Equal(AssociationState.Established, pair.A.State);
        Assert.Equal(AssociationState.Established, pair.B.State);
        // Data flows both ways afterwards.
        pair.Pump(pair.A.Enqueue(1, 51, Hundred, default), pair.B.Enqueue(2, 51, Hundred, default));
        Assert.Single(pair.A.Delivered);
        Assert.Single(pair.B.Delivered);
    }

    [Fact]
    public void AnInitAnsweredBeforeConnectMakesConnectSendNothing()
    {
        var pair = new CorePair();
        var init = pair.A.Connect();
        // B answers A's INIT while CLOSED (its own start comes after): no INIT of B's collides with it.
        var initAck = pair.B.HandlePacket(CorePair.OverTheWire(init.Single()));
        Assert.IsType<InitAckChunk>(initAck.Single().Chunks.Single());
        Assert.Empty(pair.B.Connect());
        Assert.Equal(AssociationState.Closed, pair.B.State);
        pair.Pump(pair.A.HandlePacket(CorePair.OverTheWire(initAck.Single())));
        Assert.Equal(AssociationState.Established, pair.A.State);
        Assert.Equal(AssociationState.Established, pair.B.State);
        Assert.DoesNotContain(pair.BToA.SelectMany(p => p.Chunks), c => c is InitChunk);
    }

    [Fact]
    public void AnUnansweredInit_GoesAgainWithinTheShorterWait_WhenAsked()
    {
        // An INIT sent on DTLS False Start that the server dropped: sent again 10 ms after the
        // handshake, not at T1's full second.
        var pair = new CorePair();
        pair.DropAToB = _ => true;
        pair.Pump(pair.A.Connect());
        pair.DropAToB = null;
        pair.Pump(pair.A.ExpectInitAckWithin(TimeSpan.FromMilliseconds(10)));
        Assert.Equal(pair.A.Now + TimeSpan.FromMilliseconds(10), pair.A.NextDeadline);
        pair.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(AssociationState.Established, pair.A.State);
        Assert.Equal(2, pair.AToB.Count(p => p.Chunks[0] is InitChunk));
        // Once answered, asking again changes nothing.
        Assert.Empty(pair.A.ExpectInitAckWithin(TimeSpan.Zero));
    }

    [Fact]
    public void InitIsRetransmittedOnT1()
    {
        var pair = new CorePair();
        pair.DropAToB = _ => true;
        pair.Pump(pair.A.Connect());
        pair.DropAToB = null;
        pair.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AssociationState.Established, pair.A.State);
        Assert.Equal(2, pair.AToB.Count(p => p.Chunks[0] is InitChunk));
    }

    [Fact]
    public void SackIsDelayedForOnePacketAndImmediateForTheSecond()
    {
        var pair = new CorePair();
        pair.Establish();
        var first = pair.A.Enqueue(1, 51, Hundred, default);
        Assert.Empty(pair.B.HandlePacket(CorePair.OverTheWire(first.Single())));
        Assert.Equal(pair.B.Now + TimeSpan.FromMilliseconds(200), pair.B.NextDeadline);
        var second = pair.A.Enqueue(1, 51, Hundred, default);
        var sack = Only<SackChunk>(pair.B.HandlePacket(CorePair.OverTheWire(second.Single())));
        Assert.Equal(((DataChunk)second[0].Chunks[0]).Tsn, sack.CumulativeTsnAck);
        var third = pair.A.Enqueue(1, 51, Hundred, default);
        Assert.Empty(pair.B.HandlePacket(CorePair.OverTheWire(third.Single())));
        pair.Clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(((DataChunk)third[0].Chunks[0]).Tsn, Only<SackChunk>(pair.B.OnTimer()).CumulativeTsnAck);
    }

    [Fact]
    public void SackForPacketsReceivedTogetherWaitsUntilTheDriverQueueIsDrained()
    {
        var pair = new CorePair();
        pair.Establish();
        var packets = Enumerable.Range(0, 5).Select(_ => pair.A.Enqueue(1, 51, Hundred, default).Single()).ToArray();
        pair.B.MoreInputQueued = true;
        foreach (var p in packets[..4]) Assert.Empty(pair.B.HandlePacket(CorePair.OverTheWire(p)));
        pair.B.MoreInputQueued = false;   // the last packet of the burst
        var sack = Only<SackChunk>(pair.B.HandlePacket(CorePair.OverTheWire(packets[4])));
        Assert.Equal(((DataChunk)packets[4].Chunks[0]).Tsn, sack.CumulativeTsnAck);

        // a burst ending with a non-DATA input still gets its SACK at the end of the burst
        var more = Enumerable.Range(0, 3).Select(_ => pair.A.Enqueue(1, 51, Hundred, default).Single()).ToArray();
        pair.B.MoreInputQueued = true;
        foreach (var p in more) Assert.Empty(pair.B.HandlePacket(CorePair.OverTheWire(p)));
        pair.B.MoreInputQueued = false;
        Assert.Equal(((DataChunk)more[2].Chunks[0]).Tsn, Only<SackChunk>(pair.B.OnTimer()).CumulativeTsnAck);

        // a gap is reported at once, queue or not
        var gap = Enumerable.Range(0, 2).Select(_ => pair.A.Enqueue(1, 51, Hundred, default).Single()).ToArray();
        pair.B.MoreInputQueued = true;
        Assert.NotEmpty(Only<SackChunk>(pair.B.HandlePacket(CorePair.OverTheWire(gap[1]))).GapAckBlocks);
    }

    [Fact]
    public void SackBatchIsBoundedWhileInputKeepsQueueing()
    {
        var pair = new CorePair(new SctpAssociationOptions { ReceiveWindow = 4 * 1024 * 1024 });
        pair.Establish();
        pair.B.MoreInputQueued = true;
        var sacks = 0;
        for (var i = 0; i < 3 * SctpAssociationCore.MaxSackBatch; i++)
        {
            var packet = pair.A.Enqueue(1, 51, Hundred, default).Single();
            var replies = pair.B.HandlePacket(CorePair.OverTheWire(packet));
            sacks += replies.SelectMany(p => p.Chunks).OfType<SackChunk>().Count();
            foreach (var r in replies) pair.A.HandlePacket(CorePair.OverTheWire(r));
        }
        Assert.Equal(3, sacks);
    }

    [Fact]
    public void GapsAndDuplicatesAreReportedAtOnce()
    {
        var pair = new CorePair();
        pair.Establish();
        var packets = Enumerable.Range(0, 4).Select(_ => pair.A.Enqueue(1, 51, Hundred, default).Single()).ToArray();
        var tsn1 = ((DataChunk)packets[0].Chunks[0]).Tsn;
        pair.B.HandlePacket(CorePair.OverTheWire(packets[0]));
        pair.B.HandlePacket(CorePair.OverTheWire(packets[2]));
        pair.B.HandlePacket(CorePair.OverTheWire(packets[3]));
        var sack = Only<SackChunk>(pair.B.HandlePacket(CorePair.OverTheWire(packets[2])));
        Assert.Equal(tsn1, sack.CumulativeTsnAck);
        Assert.Equal([new GapAckBlock(2, 3)], sack.GapAckBlocks);
        Assert.Equal([tsn1 + 2], sack.DuplicateTsns);
    }

    [Fact]
    public void LostDataIsRetransmittedWhenT3Expires()
    {
        var pair = new CorePair();
        pair.Establish();
        pair.DropAToB = CorePair.HasData;
        pair.Pump(pair.A.Enqueue(1, 51, Hundred, default));
        pair.DropAToB = null;
        var rto = pair.A.Rto;
        pair.Advance(rto);
        Assert.Equal(1, pair.A.Retransmissions);
        Assert.Equal(rto * 2, pair.A.Rto);                    // backed off
        Assert.Single(pair.B.Delivered);
        Assert.Equal(1200, pair.A.Cwnd);                      // one MTU after a timeout
    }

    [Fact]
    public void ThreeMissIndicationsTriggerFastRetransmitWithoutTimer()
    {
        var pair = new CorePair();
        pair.Establish();
        var dropped = false;
        pair.DropAToB = p => CorePair.HasData(p) && !dropped && (dropped = true);
        var packets = Enumerable.Range(0, 5).SelectMany(_ => pair.A.Enqueue(1, 51, Hundred, default)).ToList();
        pair.Pump(packets);
        Assert.Equal(1, pair.A.Retransmissions);
        Assert.Equal(5, pair.B.Delivered.Count);
        Assert.Equal(0, pair.A.Timeouts);
    }

    [Fact]
    public void StaleAndForgedCookiesAreRefused()
    {
        var pair = new CorePair();
        var initAck = pair.B.HandlePacket(CorePair.OverTheWire(pair.A.Connect().Single()));
        var cookieEcho = pair.A.HandlePacket(CorePair.OverTheWire(initAck.Single())).Single();
        var echo = (CookieEchoChunk)cookieEcho.Chunks[0];
        var forged = (byte[])echo.Cookie.Clone();
        forged[0] ^= 1;
        Assert.Empty(pair.B.HandlePacket(CorePair.OverTheWire(cookieEcho with { Chunks = [new CookieEchoChunk(forged)] })));
        pair.Clock.Advance(TimeSpan.FromSeconds(61));
        var error = Only<ErrorChunk>(pair.B.HandlePacket(CorePair.OverTheWire(cookieEcho)));
        Assert.Equal(ErrorCauseCode.StaleCookie, error.Causes.Single().Code);
        Assert.Equal(AssociationState.Closed, pair.B.State);
    }

    [Fact]
    public void UnknownChunksFollowTheUpperTwoBitsRule()
    {
        var pair = new CorePair();
        pair.Establish();
        var data = pair.A.Enqueue(1, 51, Hundred, default).Single();
        var stopAndReport = data with { Chunks = [new UnknownChunk(0x7E, 0, [1]), .. data.Chunks] };
        var reply = pair.B.HandlePacket(CorePair.OverTheWire(stopAndReport));
        Assert.Equal(ErrorCauseCode.UnrecognizedChunkType, Only<ErrorChunk>(reply).Causes.Single().Code);
        Assert.Empty(pair.B.Delivered);                       // processing stopped before the DATA
        var skipAndReport = data with { Chunks = [new UnknownChunk(0xFE, 0, [1]), .. data.Chunks] };
        reply = pair.B.HandlePacket(CorePair.OverTheWire(skipAndReport));
        Assert.Single(reply.SelectMany(p => p.Chunks).OfType<ErrorChunk>());
        Assert.Single(pair.B.Delivered);
        var skipSilently = data with { Chunks = [new UnknownChunk(0xBE, 0, [1])] };
        Assert.Empty(pair.B.HandlePacket(CorePair.OverTheWire(skipSilently)).SelectMany(p => p.Chunks).OfType<ErrorChunk>());
    }

    [Fact]
    public void AbandonedMessageIsSkippedWithForwardTsn()
    {
        var pair = new CorePair();
        pair.Establish();
        pair.DropAToB = CorePair.HasData;
        var sent = pair.A.Enqueue(3, 53, Hundred, new SctpSendOptions(MaxRetransmits: 0));
        var tsn = ((DataChunk)sent.Single().Chunks[0]).Tsn;
        pair.Pump(sent);
        pair.Advance(pair.A.Rto);
        var forward = Only<ForwardTsnChunk>(pair.AToB);
        Assert.Equal(tsn, forward.NewCumulativeTsn);
        Assert.Equal([new ForwardTsnStream(3, 0)], forward.Streams);
        Assert.Equal(tsn, pair.BToA.SelectMany(p => p.Chunks).OfType<SackChunk>().Last().CumulativeTsnAck);
        Assert.Equal(0, pair.A.Retransmissions);
        // The receiver counts what the sender gave up on (a diagnosis tells loss from a bug).
        Assert.Equal((1, 1, 0), (pair.B.ForwardTsnsReceived, pair.B.TsnsAbandonedByPeer, pair.B.DataReceived));
        // The stream goes on at SSN 1.
        pair.DropAToB = null;
        pair.Pump(pair.A.Enqueue(3, 53, Hundred, default));
        Assert.Single(pair.B.Delivered);
        Assert.Equal(1, pair.B.DataReceived);
        Assert.Contains("dataIn=1 ", pair.B.Describe());
        Assert.EndsWith("fwdTsnIn=1 peerAbandoned=1", pair.B.Describe());
    }

    [Fact]
    public void StreamResetWaitsForTheLastTsnAndThenRestartsSsns()
    {
        var pair = new CorePair();
        pair.Establish();
        pair.DropAToB = CorePair.HasData;
        pair.Pump(pair.A.Enqueue(5, 51, Hundred, default));
        pair.DropAToB = null;
        pair.Pump(pair.A.ResetStreams([5]));
        var inProgress = pair.BToA.SelectMany(p => p.Chunks).OfType<ReConfigChunk>().Single();
        Assert.Equal(ReconfigurationResult.InProgress, ((ReconfigurationResponseParameter)inProgress.Parameters[0]).Result);
        pair.Advance(pair.A.Rto);                             // DATA retransmitted, then the deferred reset happens
        Assert.Single(pair.B.Delivered);
        Assert.Contains(pair.A.Events, e => e is StreamResetEvent { Args: { Direction: StreamResetDirection.Outgoing, Succeeded: true } });
        Assert.Contains(pair.B.Events, e => e is StreamResetEvent { Args.Direction: StreamResetDirection.Incoming });
        var next = pair.A.Enqueue(5, 51, Hundred, default);
        Assert.Equal(0, ((DataChunk)next.Single().Chunks[0]).StreamSequence);
    }

    [Fact]
    public void GracefulShutdown()
    {
        var pair = new CorePair();
        pair.Establish();
        pair.Pump(pair.A.Enqueue(1, 51, Hundred, default));
        pair.Pump(pair.A.Shutdown());
        pair.Advance(TimeSpan.FromMilliseconds(200));         // B's delayed SACK releases the last DATA
        Assert.Equal(AssociationState.Closed, pair.A.State);
        Assert.Equal(AssociationState.Closed, pair.B.State);
        Assert.Null(pair.A.CloseReason);
        Assert.Contains(pair.BToA, p => p.Chunks.Any(c => c is ShutdownAckChunk));
        Assert.Contains(pair.AToB, p => p.Chunks.Any(c => c is ShutdownCompleteChunk));
    }

    [Fact]
    public void HeartbeatIsAnswered()
    {
        var pair = new CorePair();
        pair.Establish();
        pair.Advance(TimeSpan.FromSeconds(30));
        Assert.Contains(pair.AToB, p => p.Chunks.Any(c => c is HeartbeatChunk));
        Assert.Contains(pair.BToA, p => p.Chunks.Any(c => c is HeartbeatAckChunk));
    }

    [Fact]
    public void APeerThatGoesSilentIsDeclaredUnreachable()
    {
        var pair = new CorePair(new SctpAssociationOptions { HeartbeatInterval = TimeSpan.FromSeconds(1), MaxAssociationRetransmits = 3 });
        pair.Establish();
        pair.DropAToB = _ => true;
        pair.DropBToA = _ => true;
        for (var i = 0; i < 20 && pair.A.State != AssociationState.Closed; i++) pair.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(AssociationState.Closed, pair.A.State);
        Assert.Contains("unreachable", pair.A.CloseReason);
    }

    [Fact]
    public void DataThatIsNeverAcknowledgedEndsTheAssociation()
    {
        var pair = new CorePair(new SctpAssociationOptions { MaxAssociationRetransmits = 4, HeartbeatInterval = TimeSpan.FromHours(1) });
        pair.Establish();
        pair.DropAToB = _ => true;
        pair.Pump(pair.A.Enqueue(1, 51, Hundred, default));
        for (var i = 0; i < 10 && pair.A.State != AssociationState.Closed; i++) pair.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(AssociationState.Closed, pair.A.State);
        Assert.Equal(4, pair.A.Timeouts);
    }

    [Fact]
    public void UnknownInitParametersAreReportedWhenAsked()
    {
        var core = new SctpAssociationCore(new SctpAssociationOptions(), 1200, new ManualTimeProvider());
        var init = new SctpPacket(5000, 5000, 0, [new InitChunk(new InitBody(7, 65536, 10, 10, 100,
            [new UnknownParameter(0xC123, [1, 2, 3, 4]), new UnknownParameter(0x8124, [5])]))]);
        var initAck = Only<InitAckChunk>(core.HandlePacket(CorePair.OverTheWire(init))).Body;
        var reported = Assert.Single(initAck.Parameters.OfType<UnknownParameter>(), p => p.Type == ParameterType.UnrecognizedParameter);
        Assert.Equal("C123000801020304", Convert.ToHexString(reported.Value));
    }

    [Fact]
    public void InitOnAnEstablishedAssociationIsIgnored()
    {
        var pair = new CorePair();
        pair.Establish();
        var init = new SctpPacket(5000, 5000, 0, [new InitChunk(new InitBody(7, 65536, 10, 10, 100, []))]);
        Assert.Empty(pair.B.HandlePacket(CorePair.OverTheWire(init)));
        Assert.Equal(AssociationState.Established, pair.B.State);
    }

    [Fact]
    public void PacketsWithTheWrongVerificationTagAreDropped()
    {
        var pair = new CorePair();
        pair.Establish();
        var data = pair.A.Enqueue(1, 51, Hundred, default).Single();
        Assert.Empty(pair.B.HandlePacket(CorePair.OverTheWire(data with { VerificationTag = data.VerificationTag + 1 })));
        Assert.Empty(pair.B.Delivered);
        Assert.Equal(1, pair.B.DroppedPackets);
    }
}

using System.Net;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Tests.Stun;

public sealed class StunTransactionManagerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private sealed class Harness
    {
        public readonly ManualTimeProvider Clock = new();
        public readonly List<(TimeSpan At, byte[] Bytes)> Sent = [];
        public readonly StunTransactionManager Manager;
        private readonly DateTimeOffset _start;

        public Harness(StunTransactionOptions? options = null, Func<ReadOnlyMemory<byte>, ValueTask>? send = null)
        {
            _start = Clock.GetUtcNow();
            Manager = new StunTransactionManager(send ?? Record, Clock, options);
        }

        private ValueTask Record(ReadOnlyMemory<byte> datagram)
        {
            lock (Sent) Sent.Add((Clock.GetUtcNow() - _start, datagram.ToArray()));
            return ValueTask.CompletedTask;
        }

        public IReadOnlyList<TimeSpan> SendTimes
        {
            get { lock (Sent) return Sent.Select(s => s.At).ToList(); }
        }
    }

    private static StunMessage Request() =>
        new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId()).AddFingerprint().Build();

    private static StunMessage Response(StunMessage request, StunClass @class = StunClass.SuccessResponse)
    {
        var builder = new StunMessageBuilder(request.Type.WithClass(@class), request.TransactionId);
        if (@class == StunClass.ErrorResponse) builder.Add(new ErrorCode(StunErrorCodes.RoleConflict));
        else builder.AddXorAddress(new XorMappedAddress(IPEndPoint.Parse("192.0.2.1:32853")));
        return builder.Build();
    }

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void DefaultSchedule_IsTheRfcExample()
    {
        var (sends, timeout) = StunTransactionOptions.Default.Schedule();
        Assert.Equal([Ms(0), Ms(500), Ms(1500), Ms(3500), Ms(7500), Ms(15500), Ms(31500)], sends);
        Assert.Equal(Ms(39500), timeout);
        var (reliableSends, reliableTimeout) = StunTransactionOptions.Reliable.Schedule();
        Assert.Equal([Ms(0)], reliableSends);
        Assert.Equal(Ms(39500), reliableTimeout);
    }

    [Fact]
    public async Task Udp_RetransmitsOnTheExactScheduleThenTimesOut()
    {
        var h = new Harness();
        var request = Request();
        var task = h.Manager.SendRequestAsync(request);
        for (int step = 0; step < 400 && h.Manager.PendingCount > 0; step++) h.Clock.Advance(Ms(100));

        var result = await task.WaitAsync(Wait);
        Assert.Equal(StunTransactionOutcome.Timeout, result.Outcome);
        Assert.Equal(7, result.RequestsSent);
        Assert.Equal(Ms(39500), result.Elapsed);
        Assert.Null(result.Response);
        Assert.Equal(StunTransactionOptions.Default.Schedule().Sends, h.SendTimes);
        Assert.All(h.Sent, s => Assert.Equal(request.Raw.ToArray(), s.Bytes));
        Assert.Equal(0, h.Clock.ActiveTimerCount);
    }

    [Fact]
    public async Task Udp_TimeoutFiresAtExactly39500ms()
    {
        var h = new Harness();
        var task = h.Manager.SendRequestAsync(Request());
        h.Clock.Advance(Ms(39499));
        Assert.Equal(1, h.Manager.PendingCount);
        Assert.Equal(7, h.Sent.Count);
        h.Clock.Advance(Ms(1));
        Assert.Equal(StunTransactionOutcome.Timeout, (await task.WaitAsync(Wait)).Outcome);
    }

    [Fact]
    public async Task ConfiguredRto_ScalesTheSchedule()
    {
        var options = new StunTransactionOptions { InitialRto = Ms(100), MaxRequestCount = 3, LastRequestWaitMultiplier = 2 };
        var h = new Harness(options);
        var task = h.Manager.SendRequestAsync(Request());
        for (int step = 0; step < 100 && h.Manager.PendingCount > 0; step++) h.Clock.Advance(Ms(10));
        var result = await task.WaitAsync(Wait);
        Assert.Equal([Ms(0), Ms(100), Ms(300)], h.SendTimes);
        Assert.Equal(Ms(500), result.Elapsed);
        Assert.Equal(options.Schedule().Sends, h.SendTimes);
    }

    [Fact]
    public async Task Reliable_SendsOnceAndWaitsTi()
    {
        var h = new Harness(StunTransactionOptions.Reliable);
        var task = h.Manager.SendRequestAsync(Request());
        h.Clock.Advance(Ms(39499));
        Assert.Single(h.Sent);
        Assert.Equal(1, h.Manager.PendingCount);
        h.Clock.Advance(Ms(1));
        var result = await task.WaitAsync(Wait);
        Assert.Equal(StunTransactionOutcome.Timeout, result.Outcome);
        Assert.Equal(1, result.RequestsSent);
    }

    [Fact]
    public async Task ResponseToFirstRequest_Succeeds()
    {
        var h = new Harness();
        var request = Request();
        var task = h.Manager.SendRequestAsync(request);
        Assert.True(h.Manager.TryHandleResponse(Response(request).Raw.Span));
        var result = await task.WaitAsync(Wait);
        Assert.True(result.IsSuccess);
        Assert.Equal(1, result.RequestsSent);
        Assert.Equal(TimeSpan.Zero, result.Elapsed);
        Assert.True(result.Response!.TryGetXorAddress(out XorMappedAddress mapped));
        Assert.Equal(32853, mapped.EndPoint.Port);
        Assert.Equal(0, h.Manager.PendingCount);
        Assert.Equal(0, h.Clock.ActiveTimerCount);
        // A duplicate (a response to a retransmission) finds nothing.
        Assert.False(h.Manager.TryHandleResponse(Response(request)));
    }

    [Fact]
    public async Task LateResponse_AfterRetransmissions_Succeeds()
    {
        var h = new Harness();
        var request = Request();
        var task = h.Manager.SendRequestAsync(request);
        h.Clock.Advance(Ms(2000));
        Assert.Equal(3, h.Sent.Count);
        Assert.True(h.Manager.TryHandleResponse(Response(request)));
        var result = await task.WaitAsync(Wait);
        Assert.Equal(3, result.RequestsSent);
        Assert.Equal(Ms(2000), result.Elapsed);
        h.Clock.Advance(Ms(60000));
        Assert.Equal(3, h.Sent.Count);
    }

    [Fact]
    public async Task ErrorResponse_CompletesWithItsCode()
    {
        var h = new Harness();
        var request = Request();
        var task = h.Manager.SendRequestAsync(request);
        Assert.True(h.Manager.TryHandleResponse(Response(request, StunClass.ErrorResponse)));
        var result = await task.WaitAsync(Wait);
        Assert.Equal(StunTransactionOutcome.ErrorResponse, result.Outcome);
        Assert.Equal(487, result.Error?.Code);
    }

    [Fact]
    public async Task UnrelatedOrRejectedResponses_DoNotComplete()
    {
        var h = new Harness();
        var request = Request();
        int offered = 0;
        var task = h.Manager.SendRequestAsync(request, acceptResponse: _ => ++offered > 1);

        Assert.False(h.Manager.TryHandleResponse(Response(Request())));                       // other id
        var wrongMethod = new StunMessageBuilder(new StunMessageType(StunMethod.Allocate, StunClass.SuccessResponse), request.TransactionId).Build();
        Assert.False(h.Manager.TryHandleResponse(wrongMethod));
        var indication = new StunMessageBuilder(StunMessageType.BindingIndication, request.TransactionId).Build();
        Assert.False(h.Manager.TryHandleResponse(indication));
        Assert.False(h.Manager.TryHandleResponse(Response(request)));                         // rejected by the check
        Assert.False(h.Manager.TryHandleResponse([1, 2, 3]));                                 // not STUN
        Assert.Equal(1, h.Manager.PendingCount);

        h.Clock.Advance(Ms(500));
        Assert.Equal(2, h.Sent.Count);                                                        // still retransmitting
        Assert.True(h.Manager.TryHandleResponse(Response(request)));
        Assert.True((await task.WaitAsync(Wait)).IsSuccess);
    }

    [Fact]
    public async Task Cancellation_ThrowsAndStopsRetransmitting()
    {
        var h = new Harness();
        using var cts = new CancellationTokenSource();
        var task = h.Manager.SendRequestAsync(Request(), cancellationToken: cts.Token);
        h.Clock.Advance(Ms(600));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(Wait));
        Assert.Equal(0, h.Manager.PendingCount);
        Assert.Equal(0, h.Clock.ActiveTimerCount);
        h.Clock.Advance(Ms(60000));
        Assert.Equal(2, h.Sent.Count);
    }

    [Fact]
    public async Task AlreadyCancelled_ThrowsWithoutSending()
    {
        var h = new Harness();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Manager.SendRequestAsync(Request(), cancellationToken: new CancellationToken(true)));
        Assert.Empty(h.Sent);
    }

    [Fact]
    public async Task SendFailure_Propagates()
    {
        var h = new Harness(send: _ => ValueTask.FromException(new InvalidOperationException("network down")));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => h.Manager.SendRequestAsync(Request()));
        Assert.Equal("network down", ex.Message);
        Assert.Equal(0, h.Manager.PendingCount);
    }

    [Fact]
    public async Task Dispose_FailsPendingTransactions()
    {
        var h = new Harness();
        var task = h.Manager.SendRequestAsync(Request());
        h.Manager.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => task.WaitAsync(Wait));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => h.Manager.SendRequestAsync(Request()));
    }

    [Fact]
    public async Task ConcurrentTransactions_AreMatchedById()
    {
        var h = new Harness();
        var requests = Enumerable.Range(0, 20).Select(_ => Request()).ToArray();
        var tasks = requests.Select(r => h.Manager.SendRequestAsync(r)).ToArray();
        Assert.Equal(20, h.Manager.PendingCount);
        foreach (var r in requests.Reverse()) Assert.True(h.Manager.TryHandleResponse(Response(r)));
        var results = await Task.WhenAll(tasks).WaitAsync(Wait);
        Assert.Equal(requests.Select(r => r.TransactionId), results.Select(r => r.TransactionId));
    }

    [Fact]
    public void Options_Validate()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StunTransactionOptions { InitialRto = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new StunTransactionOptions { MaxRequestCount = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new StunTransactionManager(_ => default).SendRequestAsync(Response(Request())).GetAwaiter().GetResult());
    }
}

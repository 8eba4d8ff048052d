using System.Collections.Concurrent;
using System.Net;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Engine.Tests.Turn;

/// <summary>
/// The refresh schedule of the client's loop (RFC 8656 §8, §9.2, §12.3) on a manual clock, against
/// a scripted server on 127.0.0.1 that notes the clock's time of every request: the allocation a
/// minute before its lifetime ends, permissions every 4 min, channels every 9 min, a failed
/// Refresh retried 5 s later, and a 437 answer ending the allocation.
/// </summary>
public sealed class TurnRefreshScheduleTests
{
    private const string Realm = "scripted";
    private static readonly byte[] Key = StunCredentials.LongTermKey("u", Realm, "p");

    private sealed class Scripted : IDisposable
    {
        private readonly ManualTimeProvider _clock;
        private readonly DateTimeOffset _start;
        private readonly ScriptedTurnServerTests.ScriptedServer _server;

        /// <param name="refresh">The answer to the n-th Refresh (from 0) with a non-zero lifetime: an error code, or 0 for success.</param>
        public Scripted(ManualTimeProvider clock, Func<int, int>? refresh = null)
        {
            _clock = clock;
            _start = clock.GetUtcNow();
            int refreshes = 0;
            _server = new ScriptedTurnServerTests.ScriptedServer((request, n) =>
            {
                if (n == 0) return Error(request, 401, "Unauthorized");
                bool deallocation = request.Method == StunMethod.Refresh && request.TryGet(out Lifetime l) && l.Seconds == 0;
                if (!deallocation) Requests.Enqueue((request.Method, _clock.GetUtcNow() - _start));
                if (request.Method == StunMethod.Refresh && !deallocation && refresh?.Invoke(refreshes++) is { } code and not 0)
                    return Error(request, code, code == 437 ? "Allocation Mismatch" : "Server Error");
                return Success(request);
            });
        }

        /// <summary>Every request after the Allocate's challenge, with the manual clock's time since the start.</summary>
        public ConcurrentQueue<(StunMethod Method, TimeSpan At)> Requests { get; } = new();

        public TimeSpan[] Times(StunMethod method) => Requests.Where(r => r.Method == method).Select(r => r.At).ToArray();

        public TurnClientOptions Options => new()
        {
            Server = _server.Uri,
            Username = "u",
            Password = "p",
            TimeProvider = _clock,
        };

        public void Dispose() => _server.Dispose();

        private static byte[] Error(StunMessage request, int code, string reason)
        {
            var b = new StunMessageBuilder(request.Type.WithClass(StunClass.ErrorResponse), request.TransactionId);
            b.Add(new ErrorCode(code, reason));
            b.Add(new Realm(Realm));
            b.Add(new Nonce("n1"));
            return b.ToArray();
        }

        private static byte[] Success(StunMessage request)
        {
            var b = new StunMessageBuilder(request.Type.WithClass(StunClass.SuccessResponse), request.TransactionId);
            if (request.Method == StunMethod.Allocate)
            {
                b.AddXorAddress(new XorRelayedAddress(new IPEndPoint(IPAddress.Parse("198.18.0.1"), 50000)));
                b.AddXorAddress(new XorMappedAddress(new IPEndPoint(IPAddress.Parse("198.18.0.2"), 40000)));
            }
            if (request.Method is StunMethod.Allocate or StunMethod.Refresh) b.Add(new Lifetime(600));
            b.AddMessageIntegrity(Key);
            return b.ToArray();
        }
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static TimeSpan S(int seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>Moves the clock to exactly each due time (so the requests' own retransmission
    /// timers, on the same clock, do not fire: the server answers in real time) and waits until the
    /// server has seen what is due then.</summary>
    private static async Task StepAsync(ManualTimeProvider clock, Scripted server, int seconds, int expectedRequests)
    {
        clock.Advance(S(seconds));
        await Poll.UntilAsync(() => server.Requests.Count >= expectedRequests, Patience, $"{expectedRequests} requests at the server");
    }

    /// <summary>A step of the client's own schedule: as <see cref="StepAsync(ManualTimeProvider, Scripted, int, int)"/>,
    /// then until the client has taken every answer (its counters), so no request is still waiting
    /// when the clock next jumps: a jump of minutes would fire all of a waiting request's
    /// retransmission timers at once and fail it (RFC 8489 §6.2.1: Rc times, then a timeout).</summary>
    private static async Task StepAsync(ManualTimeProvider clock, Scripted server, TurnClient client, int seconds, int expectedRequests, (int Allocation, int Channel, int Permission) refreshes)
    {
        await StepAsync(clock, server, seconds, expectedRequests);
        await Poll.UntilAsync(
            () => client.RefreshCount == refreshes.Allocation && client.ChannelRefreshCount == refreshes.Channel && client.PermissionRefreshCount == refreshes.Permission,
            Patience,
            $"{refreshes.Allocation} allocation, {refreshes.Channel} channel and {refreshes.Permission} permission refreshes answered at t+{seconds} s " +
            $"(now {client.RefreshCount}, {client.ChannelRefreshCount}, {client.PermissionRefreshCount}; last error: {client.LastError ?? "none"})");
    }

    [Fact]
    public async Task RefreshesFollowTheLifetimeAndTheIntervals()
    {
        var clock = new ManualTimeProvider();
        using var server = new Scripted(clock);
        await using var client = await TurnClient.AllocateAsync(server.Options);
        await client.CreatePermissionAsync(IPAddress.Loopback);
        await client.BindChannelAsync(new IPEndPoint(IPAddress.Loopback, 9));
        Assert.Equal(3, server.Requests.Count);   // Allocate, CreatePermission, ChannelBind at t=0

        await StepAsync(clock, server, client, 240, 4, (0, 0, 1));    // t=240: permission
        await StepAsync(clock, server, client, 240, 5, (0, 0, 2));    // t=480: permission
        await StepAsync(clock, server, client, 60, 7, (1, 1, 2));     // t=540: allocation (600 s - 60 s) and channel (9 min)
        await StepAsync(clock, server, client, 180, 8, (1, 1, 3));    // t=720: permission
        await StepAsync(clock, server, client, 240, 9, (1, 1, 4));    // t=960: permission
        await StepAsync(clock, server, client, 120, 11, (2, 2, 4));   // t=1080: allocation and channel

        Assert.Equal([S(540), S(1080)], server.Times(StunMethod.Refresh));
        Assert.Equal([S(0), S(240), S(480), S(720), S(960)], server.Times(StunMethod.CreatePermission));
        Assert.Equal([S(0), S(540), S(1080)], server.Times(StunMethod.ChannelBind));
        Assert.Equal(S(600), client.Lifetime);
        Assert.Null(client.LastError);
        Assert.True(client.IsActive);
        Assert.True(await client.CloseAsync());
        Assert.Equal(0, clock.ActiveTimerCount);
    }

    [Fact]
    public async Task AFailedRefreshIsRetriedFiveSecondsLater()
    {
        var clock = new ManualTimeProvider();
        using var server = new Scripted(clock, refresh: n => n == 0 ? 500 : 0);
        await using var client = await TurnClient.AllocateAsync(server.Options with { PermissionRefreshInterval = TimeSpan.FromHours(1), ChannelRefreshInterval = TimeSpan.FromHours(1) });
        await StepAsync(clock, server, 540, 2);   // t=540: refused with 500
        await Poll.UntilAsync(() => client.LastError is not null, Patience, "the refused refresh reported");
        await StepAsync(clock, server, 5, 3);     // t=545: again, accepted
        await Poll.UntilAsync(() => client.RefreshCount == 1, Patience, "the retried refresh");
        await StepAsync(clock, server, 540, 4);   // t=1085: the next one, 540 s after the success
        Assert.Equal([S(540), S(545), S(1085)], server.Times(StunMethod.Refresh));
        Assert.Contains("500", client.LastError, StringComparison.Ordinal);
        Assert.True(client.IsActive);
    }

    [Fact]
    public async Task AllocationMismatchOnRefreshEndsTheAllocation()
    {
        var clock = new ManualTimeProvider();
        using var server = new Scripted(clock, refresh: _ => 437);
        await using var client = await TurnClient.AllocateAsync(server.Options);
        clock.Advance(S(540));
        var failure = await client.Failed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(TurnError.Closed, failure.Error);
        Assert.False(client.IsActive);
    }
}

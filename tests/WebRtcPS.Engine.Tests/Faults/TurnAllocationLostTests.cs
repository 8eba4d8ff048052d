using System.Net;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;
using WebRtcPS.Engine.Tests.Ice;
using WebRtcPS.Engine.Tests.TestInfrastructure;
using WebRtcPS.Engine.Tests.Turn;
using WebRtcPS.Engine.Turn;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// A TURN server that forgets an allocation (437 Allocation Mismatch to its Refresh: a restarted
/// server) or refuses to refresh it (486 Allocation Quota Reached), scripted on 127.0.0.1 since
/// coturn answers neither on demand; the refresh comes on a manual clock (RFC 8656 §8: a minute
/// before the 600 s lifetime ends). The lost allocation reaches ICE's event stream as a candidate
/// error naming the relayed candidate; a refused refresh is the client's LastError and is retried.
/// </summary>
public sealed class TurnAllocationLostTests(ITestOutputHelper output)
{
    private const string Realm = "scripted";
    private static readonly byte[] Key = StunCredentials.LongTermKey("u", Realm, "p");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static ScriptedTurnServerTests.ScriptedServer Server(int refreshError) => new((request, n) =>
    {
        if (n == 0) return Answer(request, 401, "Unauthorized");
        bool refresh = request.Method == StunMethod.Refresh && !(request.TryGet(out Lifetime l) && l.Seconds == 0);
        return refresh ? Answer(request, refreshError, refreshError == 437 ? "Allocation Mismatch" : "Allocation Quota Reached") : Answer(request, 0, null);
    });

    /// <summary>A server that forgets allocations (437 to every Refresh) and answers the k-th
    /// authenticated Allocate (k = 0, 1, ...) with <paramref name="allocateError"/>(k), 0 for
    /// success with relayed port 50000 + 2k; an Allocate without MESSAGE-INTEGRITY draws a 401,
    /// as a restarted server's would (RFC 8656 §7.2).</summary>
    private static ScriptedTurnServerTests.ScriptedServer ForgetfulServer(Func<int, int> allocateError)
    {
        int allocates = 0;
        return new((request, _) =>
        {
            if (!request.Contains(StunAttributeType.MessageIntegrity)) return Answer(request, 401, "Unauthorized");
            if (request.Method == StunMethod.Allocate)
            {
                int k = Interlocked.Increment(ref allocates) - 1;
                int code = allocateError(k);
                return code != 0 ? Answer(request, code, "Allocation Quota Reached") : Answer(request, 0, null, 50000 + 2 * k);
            }
            bool refresh = request.Method == StunMethod.Refresh && !(request.TryGet(out Lifetime l) && l.Seconds == 0);
            return refresh ? Answer(request, 437, "Allocation Mismatch") : Answer(request, 0, null);
        });
    }

    private static byte[] Answer(StunMessage request, int code, string? reason, int relayedPort = 50000)
    {
        var b = new StunMessageBuilder(request.Type.WithClass(code == 0 ? StunClass.SuccessResponse : StunClass.ErrorResponse), request.TransactionId);
        if (code != 0)
        {
            b.Add(new ErrorCode(code, reason!));
            b.Add(new Realm(Realm));
            b.Add(new Nonce("n1"));
            return b.ToArray();
        }
        if (request.Method == StunMethod.Allocate)
        {
            b.AddXorAddress(new XorRelayedAddress(new IPEndPoint(IPAddress.Parse("198.18.0.1"), relayedPort)));
            b.AddXorAddress(new XorMappedAddress(new IPEndPoint(IPAddress.Parse("198.18.0.2"), 40000)));
        }
        if (request.Method is StunMethod.Allocate or StunMethod.Refresh) b.Add(new Lifetime(600));
        b.AddMessageIntegrity(Key);
        return b.ToArray();
    }

    private static TurnClientOptions Options(ScriptedTurnServerTests.ScriptedServer server, ManualTimeProvider clock) => new()
    {
        Server = server.Uri,
        Username = "u",
        Password = "p",
        TimeProvider = clock,
    };

    [Fact]
    public async Task ForgottenAllocation_IsACandidateErrorNamingTheRelayedCandidate()
    {
        var clock = new ManualTimeProvider();
        using var server = Server(437);
        await using var a = new IceTestPeer("a", IceTestPeer.LoopbackOptions(RTCIceRole.Controlling) with
        {
            InterfaceFilter = _ => false,
            RelaySource = new TurnRelaySource(Options(server, clock)),
        });
        a.Agent.StartGathering();
        await IceTestPeer.WaitGatheredAsync(a);
        Assert.Contains(a.Agent.LocalCandidates, c => c.Type == RTCIceCandidateType.Relay);
        Assert.Empty(a.EventsOf<IceCandidateErrorEvent>());

        clock.Advance(TimeSpan.FromSeconds(540));
        await Poll.UntilAsync(() => a.EventsOf<IceCandidateErrorEvent>().Count > 0, Patience, "the candidate error");
        var error = Assert.Single(a.EventsOf<IceCandidateErrorEvent>());
        output.WriteLine(error.ToString());
        Assert.Contains("198.18.0.1:50000 is gone", error.ErrorText);
        Assert.Contains("437", error.ErrorText);
    }

    [Fact]
    public async Task RefusedRefresh_IsTheLastError_AndRetried()
    {
        var clock = new ManualTimeProvider();
        using var server = Server(486);
        await using var client = await TurnClient.AllocateAsync(Options(server, clock));
        clock.Advance(TimeSpan.FromSeconds(540));
        await Poll.UntilAsync(() => client.LastError is not null, Patience, "the refresh's error");
        output.WriteLine(client.LastError);
        Assert.Contains("486", client.LastError);
        Assert.True(client.IsActive);
        var refreshes = server.Requests.Count(r => r.Method == StunMethod.Refresh);
        clock.Advance(TimeSpan.FromSeconds(5));
        await Poll.UntilAsync(() => server.Requests.Count(r => r.Method == StunMethod.Refresh) > refreshes, Patience, "the retry");
    }

    private static IceAgentOptions RelayOnly(TurnRelaySource source) => IceTestPeer.LoopbackOptions(RTCIceRole.Controlling) with
    {
        InterfaceFilter = _ => false,
        RelaySource = source,
        RelayReallocationBackoff = TimeSpan.FromMilliseconds(10),
    };

    private static bool IsRelayOnPort(RTCIceCandidate c, int port) => c.Type == RTCIceCandidateType.Relay && c.Port == port;

    [Fact]
    public async Task ForgottenAllocation_IsAllocatedAgain_AndTheNewCandidateTrickledAndPaired()
    {
        var clock = new ManualTimeProvider();
        using var server = ForgetfulServer(_ => 0);
        await using var a = new IceTestPeer("a", RelayOnly(new TurnRelaySource(Options(server, clock))));
        a.Agent.StartGathering();
        await IceTestPeer.WaitGatheredAsync(a);
        Assert.Contains(a.Agent.LocalCandidates, c => IsRelayOnPort(c, 50000));
        a.Agent.SetRemoteParameters(new RTCIceParameters("remoteufrag", "remotepasswordremotepassword"));
        a.Agent.AddRemoteCandidate(RTCIceCandidate.Parse("candidate:1 1 udp 2122260223 198.18.0.3 9 typ host"));
        await Poll.UntilAsync(() => a.EventsOf<IceCandidatePairAddedEvent>().Any(e => IsRelayOnPort(e.Pair.Local, 50000)), Patience, "the first relayed pair");

        clock.Advance(TimeSpan.FromSeconds(540));
        await Poll.UntilAsync(() => a.EventsOf<IceCandidatePairAddedEvent>().Any(e => IsRelayOnPort(e.Pair.Local, 50002)), Patience, "the new relayed pair");
        foreach (var e in a.Events) output.WriteLine(e.ToString());
        var error = Assert.Single(a.EventsOf<IceCandidateErrorEvent>());
        Assert.Contains("198.18.0.1:50000 is gone", error.ErrorText);
        Assert.Contains(a.EventsOf<IceCandidateGatheredEvent>(), e => IsRelayOnPort(e.Candidate, 50002));
        Assert.DoesNotContain(a.Agent.LocalCandidates, c => IsRelayOnPort(c, 50000));
        Assert.Contains(a.Agent.LocalCandidates, c => IsRelayOnPort(c, 50002));
        Assert.Contains(a.EventsOf<IceCandidatePairStateChangedEvent>(), e => IsRelayOnPort(e.Pair.Local, 50000) && e.NewState == RTCIceCandidatePairState.Failed);
        // RFC 8656 §7: the new Allocate was challenged (401) and then sent with credentials.
        var allocates = server.Requests.Where(r => r.Method == StunMethod.Allocate).ToList();
        Assert.Equal(2, allocates.Count(r => r.Contains(StunAttributeType.MessageIntegrity)));
        Assert.Equal(2, allocates.Count(r => !r.Contains(StunAttributeType.MessageIntegrity)));

        // An ICE restart announces the new relayed candidate, never the lost one.
        int gathered = a.EventsOf<IceCandidateGatheredEvent>().Count;
        int ends = a.EventsOf<IceEndOfCandidatesEvent>().Count;
        await a.Agent.RestartAsync();
        await Poll.UntilAsync(() => a.EventsOf<IceEndOfCandidatesEvent>().Count > ends, Patience, "the restart's end-of-candidates");
        var announced = a.EventsOf<IceCandidateGatheredEvent>().Skip(gathered).Select(e => e.Candidate).ToList();
        Assert.Contains(announced, c => IsRelayOnPort(c, 50002));
        Assert.DoesNotContain(announced, c => IsRelayOnPort(c, 50000));
    }

    [Fact]
    public async Task ForgottenAllocation_ServerKeepsRefusing_BoundedAttemptsEachReported_ThenARestartAllocatesAfresh()
    {
        var clock = new ManualTimeProvider();
        using var server = ForgetfulServer(k => k is >= 1 and <= 3 ? 486 : 0);
        var options = RelayOnly(new TurnRelaySource(Options(server, clock))) with { RelayReallocationAttempts = 3 };
        await using var a = new IceTestPeer("a", options);
        a.Agent.StartGathering();
        await IceTestPeer.WaitGatheredAsync(a);

        clock.Advance(TimeSpan.FromSeconds(540));
        int expected = 1 + options.RelayReallocationAttempts;
        await Poll.UntilAsync(() => a.EventsOf<IceCandidateErrorEvent>().Count >= expected, Patience, "every attempt's error");
        await Task.Delay(TimeSpan.FromMilliseconds(500));   // backoffs of 10, 20, 40 ms: a fourth would be here by now
        var errors = a.EventsOf<IceCandidateErrorEvent>();
        foreach (var e in errors) output.WriteLine(e.ToString());
        Assert.Equal(expected, errors.Count);
        Assert.All(errors.Skip(1), e => Assert.Equal(486, e.ErrorCode));
        Assert.Contains($"attempt {options.RelayReallocationAttempts} of {options.RelayReallocationAttempts}", errors[^1].ErrorText);
        Assert.Equal(expected, server.Requests.Count(r => r.Method == StunMethod.Allocate && r.Contains(StunAttributeType.MessageIntegrity)));
        Assert.DoesNotContain(a.Agent.LocalCandidates, c => c.Type == RTCIceCandidateType.Relay);

        // The server accepts again: an ICE restart gathers a fresh relayed candidate.
        await a.Agent.RestartAsync();
        await Poll.UntilAsync(() => a.Agent.LocalCandidates.Any(c => IsRelayOnPort(c, 50008)), Patience, "the fresh relayed candidate");
        Assert.Contains(a.EventsOf<IceCandidateGatheredEvent>(), e => IsRelayOnPort(e.Candidate, 50008));
    }
}

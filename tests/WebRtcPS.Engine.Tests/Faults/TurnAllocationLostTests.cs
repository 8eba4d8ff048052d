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

    private static byte[] Answer(StunMessage request, int code, string? reason)
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
            b.AddXorAddress(new XorRelayedAddress(new IPEndPoint(IPAddress.Parse("198.18.0.1"), 50000)));
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
}

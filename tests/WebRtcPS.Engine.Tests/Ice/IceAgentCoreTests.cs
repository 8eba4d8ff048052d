using System.Net;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>Two <see cref="IceAgentCore"/>s driven directly on a hand-moved clock through
/// <see cref="IceCoreWire"/>: exact times, no sockets, no threads, no TimeProvider.</summary>
public sealed class IceAgentCoreTests
{
    private static readonly IPAddress A1 = IPAddress.Parse("198.18.0.1"), A2 = IPAddress.Parse("198.18.1.1");
    private static readonly IPAddress B1 = IPAddress.Parse("198.18.0.2"), B2 = IPAddress.Parse("198.18.0.3"), B3 = IPAddress.Parse("198.18.0.4");

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private static IceAgentOptions Options(RTCIceRole role) => new()
    {
        Role = role,
        Ta = Ms(50),
        CheckRto = Ms(500),
        MaxCheckRto = Ms(3000),
        NominationTimeout = Ms(200),
    };

    private static bool Connected(IceCorePeer p) => p.Core.State is RTCIceTransportState.Connected or RTCIceTransportState.Completed;

    private static TimeSpan SelectedAt(IceCorePeer p) => p.EventsOf<IceSelectedCandidatePairChangedEvent>().Single().Elapsed;

    private static void AssertSamePair(IceCoreWire wire)
    {
        var a = wire.A.Core.Route!.Pair;
        var b = wire.B.Core.Route!.Pair;
        Assert.Equal((a.Local.Address, a.Local.Port), (b.Remote.Address, b.Remote.Port));
        Assert.Equal((a.Remote.Address, a.Remote.Port), (b.Local.Address, b.Local.Port));
    }

    [Fact]
    public void Trickle_ConnectsAtExactTimes()
    {
        var wire = new IceCoreWire(Options(RTCIceRole.Controlling), [A1], Options(RTCIceRole.Controlled), [B1]) { Latency = Ms(10) };
        wire.Start(trickle: true);

        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));
        // t=0: both check at once (candidates trickled the moment they exist). t=10: each answers
        // the other's check and queues a triggered one. t=20: each has a valid pair; the
        // controlling side nominates at its next Ta slot, t=50 (RFC 8445 §8.1.1); the USE-CANDIDATE
        // check reaches b at 60 (b's pair is already valid: selected), its answer a at 70.
        Assert.Equal(Ms(0), wire.A.EventsOf<IceCheckSentEvent>()[0].Elapsed);
        var nomination = Assert.Single(wire.A.EventsOf<IceCheckSentEvent>(), e => e.UseCandidate);
        Assert.Equal(Ms(50), nomination.Elapsed);
        Assert.Equal(Ms(60), SelectedAt(wire.B));
        Assert.Equal(Ms(70), SelectedAt(wire.A));
        AssertSamePair(wire);
        Assert.Single(wire.B.EventsOf<IcePairNominatedEvent>());
        // Both gathered and both sent end-of-candidates: completed (RFC 8445 §8.1.2).
        Assert.Equal(RTCIceTransportState.Completed, wire.A.Core.State);
        Assert.Equal(RTCIceTransportState.Completed, wire.B.Core.State);
        Assert.Equal(Origin(Ms(70)), SelectedEvent(wire.A).Timestamp);
    }

    [Fact]
    public void WithoutTrickle_NothingIsCheckedUntilTheCandidatesArrive()
    {
        var wire = new IceCoreWire(Options(RTCIceRole.Controlling), [A1], Options(RTCIceRole.Controlled), [B1]) { Latency = Ms(10) };
        wire.Start(trickle: false);
        wire.RunUntil(Ms(100));
        Assert.Equal(RTCIceGatheringState.Complete, wire.A.Core.GatheringState);
        Assert.Empty(wire.Sent);
        Assert.Empty(wire.A.EventsOf<IceCheckSentEvent>());

        // The whole description at once, as a non-trickle offer/answer carries it.
        wire.Signal(wire.A);
        wire.Signal(wire.B);
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));
        Assert.Equal(Ms(100), wire.A.EventsOf<IceCheckSentEvent>()[0].Elapsed);
        Assert.Equal(Ms(170), SelectedAt(wire.A));
        AssertSamePair(wire);
        Assert.Equal(RTCIceTransportState.Completed, wire.A.Core.State);
    }

    [Fact]
    public void ChecksArePacedByTa_AndRetransmittedOnTheRfc8445Schedule()
    {
        var a = Options(RTCIceRole.Controlling) with { CheckRto = Ms(100), MaxCheckRto = Ms(400), MaxCheckRequests = 5 };
        var wire = new IceCoreWire(a, [A1], Options(RTCIceRole.Controlled), [B1, B2, B3]);
        wire.Blackholes.UnionWith([B1, B2, B3]);
        wire.Start(trickle: false);
        wire.Signal(wire.B);   // b's three candidates in one description
        wire.RunUntil(Ms(2000));

        var sent = wire.A.EventsOf<IceCheckSentEvent>();
        // New checks one Ta apart, best pair first (RFC 8445 §6.1.4.2); b's host candidates rank by address order.
        var firsts = sent.Where(e => e.Attempt == 1).ToList();
        Assert.Equal([B1.ToString(), B2.ToString(), B3.ToString()], firsts.Select(e => e.Pair.Remote.Address));
        Assert.Equal([Ms(0), Ms(50), Ms(100)], firsts.Select(e => e.Elapsed));
        // RTO = max(CheckRto, Ta × pairs waiting or in progress) = 3 × 50 = 150 ms (§14.3),
        // doubling to the 400 ms cap (RFC 8489 §6.2.1); after the last request, one more RTO.
        Assert.Equal([Ms(0), Ms(150), Ms(450), Ms(850), Ms(1250)], sent.Where(e => e.Pair.Remote.Address == B1.ToString()).Select(e => e.Elapsed));
        // The wire saw those datagrams at those times, from a's socket to b's.
        Assert.Equal([Ms(0), Ms(150), Ms(450), Ms(850), Ms(1250)],
            wire.Sent.Where(s => s.From == wire.A && s.Datagram.To.Address.Equals(B1)).Select(s => s.At));
        var failed = wire.A.EventsOf<IceCheckFailedEvent>().First(e => e.Pair.Remote.Address == B1.ToString());
        Assert.Equal(Ms(1650), failed.Elapsed);
        Assert.Equal("timeout after 5 request(s)", failed.Reason);

        // The last pair's last wait ends at 100 + 150 + 300 + 400 + 400 + 400 = 1750: every pair
        // failed after end-of-candidates, so failed then, and nothing left to wake up for.
        var state = wire.A.EventsOf<IceStateChangedEvent>()[^1];
        Assert.Equal(RTCIceTransportState.Failed, state.NewState);
        Assert.Equal(Ms(1750), state.Elapsed);
        Assert.Null(wire.A.Core.NextDeadline);
    }

    [Fact]
    public void RoleConflict_BothControlling_The487LoserBecomesControlled()
    {
        var wire = new IceCoreWire(Options(RTCIceRole.Controlling) with { TieBreaker = 10 }, [A1],
                                   Options(RTCIceRole.Controlling) with { TieBreaker = 20 }, [B1]) { Latency = Ms(10) };
        wire.Start();
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));

        // RFC 8445 §7.3.1.1: b (larger tie-breaker) answers a's ICE-CONTROLLING check with 487;
        // a, having no larger tie-breaker, yields on b's check; §7.2.5.1: a retries as controlled.
        Assert.Equal(RTCIceRole.Controlled, wire.A.Core.Role);
        Assert.Equal(RTCIceRole.Controlling, wire.B.Core.Role);
        Assert.Contains(wire.A.EventsOf<IceCheckFailedEvent>(), e => e.ErrorCode == StunErrorCodes.RoleConflict);
        var switched = Assert.Single(wire.A.EventsOf<IceRoleChangedEvent>());
        Assert.Equal(Ms(10), switched.Elapsed);
        Assert.Empty(wire.B.EventsOf<IceRoleChangedEvent>());
        // Only the controlling agent nominates.
        Assert.DoesNotContain(wire.A.EventsOf<IceCheckSentEvent>(), e => e.UseCandidate);
        Assert.Contains(wire.B.EventsOf<IceCheckSentEvent>(), e => e.UseCandidate);
        AssertSamePair(wire);
    }

    [Fact]
    public void RoleConflict_BothControlled_TheLargerTieBreakerTakesControl()
    {
        var wire = new IceCoreWire(Options(RTCIceRole.Controlled) with { TieBreaker = 10 }, [A1],
                                   Options(RTCIceRole.Controlled) with { TieBreaker = 20 }, [B1]) { Latency = Ms(10) };
        wire.Start();
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));
        Assert.Equal(RTCIceRole.Controlled, wire.A.Core.Role);
        Assert.Equal(RTCIceRole.Controlling, wire.B.Core.Role);
        // b switched on a's ICE-CONTROLLED check (its tie-breaker is larger); a answered b's
        // ICE-CONTROLLED check (sent before the switch) with 487.
        Assert.Equal(Ms(10), Assert.Single(wire.B.EventsOf<IceRoleChangedEvent>()).Elapsed);
        Assert.Contains(wire.B.EventsOf<IceCheckFailedEvent>(), e => e.ErrorCode == StunErrorCodes.RoleConflict);
        AssertSamePair(wire);
    }

    [Fact]
    public void Nomination_WaitsForHigherPriorityPairs_UpToTheNominationTimeout()
    {
        var wire = new IceCoreWire(Options(RTCIceRole.Controlling), [A1, A2], Options(RTCIceRole.Controlled), [B1]) { Latency = Ms(10) };
        wire.Blackholes.Add(A1);   // a's best address is dark
        wire.Start();
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));

        var firstValid = wire.A.EventsOf<IceCheckSucceededEvent>()[0].Elapsed;
        var nomination = Assert.Single(wire.A.EventsOf<IceCheckSentEvent>(), e => e.UseCandidate);
        // The A1 pair is still being retransmitted: regular nomination waits NominationTimeout
        // after the first valid pair (RFC 8445 §8.1.1), then the check goes in that Ta slot.
        Assert.Equal(firstValid + Ms(200), nomination.Elapsed);
        Assert.Equal(A2.ToString(), nomination.Pair.Local.Address);
        Assert.Equal(A2.ToString(), wire.A.Core.Route!.Pair.Local.Address);
        var nominated = Assert.Single(wire.B.EventsOf<IcePairNominatedEvent>());
        Assert.Equal(nomination.Elapsed + Ms(10), nominated.Elapsed);
        AssertSamePair(wire);
    }

    [Fact]
    public void ConsentLost_DisconnectedThenFailed_OnTheClock_AndRecoversBeforeThat()
    {
        var options = Options(RTCIceRole.Controlling) with
        {
            ConsentInterval = Ms(1000),
            DisconnectedTimeout = Ms(3000),
            ConsentTimeout = Ms(6000),
        };
        var wire = new IceCoreWire(options, [A1], options with { Role = RTCIceRole.Controlled }, [B1]) { Latency = Ms(10) };
        wire.Start();
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));

        // Consent keeps it up: a check every 0.8-1.2 s (RFC 7675 §5.1), each answered.
        wire.RunUntil(Ms(10_000));
        var consent = wire.A.EventsOf<IceCheckSentEvent>().Where(e => e.Kind == IceCheckKind.Consent).ToList();
        Assert.InRange(consent.Count, 8, 12);
        Assert.All(consent.Zip(consent.Skip(1)), p => Assert.InRange(p.Second.Elapsed - p.First.Elapsed, Ms(800), Ms(1200)));
        Assert.Equal(RTCIceTransportState.Completed, wire.A.Core.State);

        // The peer goes dark: the state follows the last answer exactly.
        wire.Blackholes.Add(B1);
        var lastAnswer = wire.A.EventsOf<IceCheckSucceededEvent>()[^1].Elapsed;
        wire.RunUntil(Ms(30_000));
        var states = wire.A.EventsOf<IceStateChangedEvent>();
        var disconnected = Assert.Single(states, e => e.NewState == RTCIceTransportState.Disconnected);
        var failed = Assert.Single(states, e => e.NewState == RTCIceTransportState.Failed);
        Assert.Equal(lastAnswer + Ms(3000), disconnected.Elapsed);
        Assert.Equal(lastAnswer + Ms(6000), failed.Elapsed);
        Assert.Contains("consent expired", failed.Reason);
        Assert.Contains(wire.A.EventsOf<IceCheckFailedEvent>(), e => e.Kind == IceCheckKind.Consent);
        // RFC 7675 §5.1: no more data on the pair.
        Assert.False(wire.A.Core.Route!.Usable);
        Assert.Null(wire.A.Core.NextDeadline);

        // Same again, but the peer answers again while disconnected: connected once more.
        var again = new IceCoreWire(options, [A1], options with { Role = RTCIceRole.Controlled }, [B1]) { Latency = Ms(10) };
        again.Start();
        again.RunUntil(Ms(5000));
        again.Blackholes.Add(B1);
        Assert.True(again.RunUntil(() => again.A.Core.State == RTCIceTransportState.Disconnected, Ms(20_000)));
        again.Blackholes.Clear();
        Assert.True(again.RunUntil(() => Connected(again.A), Ms(20_000)));
        Assert.True(again.A.Core.Route!.Usable);
        Assert.DoesNotContain(RTCIceTransportState.Failed, again.A.States);
    }

    [Fact]
    public void AllPairsFailed_FailsAfterEndOfCandidates_ElseAfterTheTimeout()
    {
        var options = Options(RTCIceRole.Controlling) with { CheckRto = Ms(100), MaxCheckRequests = 3, EndOfCandidatesTimeout = Ms(2000) };
        var wire = new IceCoreWire(options, [A1], Options(RTCIceRole.Controlled), [B1]);
        wire.Blackholes.Add(B1);
        wire.Start();
        wire.RunUntil(Ms(5000));
        // One pair: RTO 100 ms, sent at 0, 100, 300; the last wait ends at 700; the peer's
        // end-of-candidates came with its candidate (RFC 8838 §8): failed at once.
        Assert.Equal([Ms(0), Ms(100), Ms(300)], wire.A.EventsOf<IceCheckSentEvent>().Select(e => e.Elapsed));
        var failed = wire.A.EventsOf<IceStateChangedEvent>()[^1];
        Assert.Equal((RTCIceTransportState.Failed, Ms(700)), (failed.NewState, failed.Elapsed));
        Assert.Contains("failed after the peer's end-of-candidates", failed.Reason);
        Assert.Equal("timeout after 3 request(s)", wire.A.Core.BuildDiagnostics().Pairs.Single().LastResult);

        // No end-of-candidates: the peer might still trickle a working candidate, so failure
        // waits EndOfCandidatesTimeout after its last candidate (t=0).
        var quiet = new IceCoreWire(options, [A1], Options(RTCIceRole.Controlled), [B1]);
        quiet.Blackholes.Add(B1);
        quiet.Start(trickle: false);
        quiet.Signal(quiet.B, endOfCandidates: false);
        quiet.RunUntil(Ms(5000));
        var late = quiet.A.EventsOf<IceStateChangedEvent>()[^1];
        Assert.Equal((RTCIceTransportState.Failed, Ms(2000)), (late.NewState, late.Elapsed));
        Assert.Contains("no remote candidate for 2000 ms", late.Reason);
    }

    [Fact]
    public void PeerReflexive_RemoteLearnedFromACheck_IsPairedAndCheckedAtOnce_ThenUpgraded()
    {
        var wire = new IceCoreWire(Options(RTCIceRole.Controlling), [A1], Options(RTCIceRole.Controlled), [B1]) { Latency = Ms(10) };
        wire.Start(trickle: false);
        wire.Signal(wire.A);   // only a's candidates reach b: a knows b only from b's checks
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));

        var learned = Assert.Single(wire.A.EventsOf<IcePeerReflexiveCandidateEvent>());
        Assert.False(learned.IsLocal);
        Assert.Equal(B1.ToString(), learned.Candidate.Address);
        Assert.Equal(Ms(10), learned.Elapsed);   // b's first check, sent at 0
        // RFC 8445 §7.3.1.3-4: the very next things a does with it: pair it and check it (triggered).
        var events = wire.A.Events;
        int at = events.IndexOf(learned);
        Assert.IsType<IceCandidatePairAddedEvent>(events[at + 1]);
        var triggered = wire.A.EventsOf<IceCheckSentEvent>()[0];
        Assert.True(triggered.Triggered);
        Assert.Equal(Ms(10), triggered.Elapsed);
        Assert.Equal(RTCIceCandidateType.Prflx, wire.A.Core.Route!.Pair.Remote.Type);

        // The signalled candidate arriving late upgrades the peer-reflexive one in place.
        wire.Signal(wire.B);
        var diagnostics = wire.A.Core.BuildDiagnostics();
        var pair = Assert.Single(diagnostics.Pairs);
        Assert.Equal(RTCIceCandidateType.Host, diagnostics.PairOf(pair).Remote.Type);
        Assert.Single(wire.A.Core.RemoteCandidates);
    }

    [Fact]
    public void PeerReflexive_BehindAStaticNat_BothSidesLearnTheMappedAddress()
    {
        var wire = new IceCoreWire(Options(RTCIceRole.Controlling), [A1], Options(RTCIceRole.Controlled), [B1]) { Latency = Ms(10) };
        var mapped = new IPEndPoint(IPAddress.Parse("198.19.0.1"), 40000);
        wire.Nat[new IPEndPoint(A1, 5000)] = mapped;   // a's host address is private: only the mapping reaches it
        wire.Start();
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));

        // a learns its mapped address from XOR-MAPPED-ADDRESS (RFC 8445 §7.2.5.3.1), b learns
        // it as the source of a's check (§7.3.1.3); the pair keeps a's host socket as its base.
        var local = Assert.Single(wire.A.EventsOf<IcePeerReflexiveCandidateEvent>(), e => e.IsLocal);
        Assert.Equal((mapped.Address.ToString(), mapped.Port), (local.Candidate.Address, local.Candidate.Port));
        Assert.Equal(A1.ToString(), local.Candidate.RelatedAddress);
        var remote = Assert.Single(wire.B.EventsOf<IcePeerReflexiveCandidateEvent>(), e => !e.IsLocal);
        Assert.Equal((mapped.Address.ToString(), mapped.Port), (remote.Candidate.Address, remote.Candidate.Port));
        Assert.Equal(mapped, wire.B.Core.Route!.Remote);
        Assert.Equal(A1.ToString(), wire.A.Core.Route!.Pair.Local.Address);
        // The private host candidate was never reachable.
        var diagnosticsB = wire.B.Core.BuildDiagnostics();
        Assert.Contains(diagnosticsB.Pairs, p => diagnosticsB.PairOf(p).Remote.Address == A1.ToString() && p.State != RTCIceCandidatePairState.Succeeded);
    }

    [Fact]
    public void UnderSeededLoss_Connects_AndTheSameSeedReplaysTheSameBytes()
    {
        static IceCoreWire Run()
        {
            var options = Options(RTCIceRole.Controlling) with { CheckRto = Ms(100), MaxCheckRequests = 10 };
            var wire = new IceCoreWire(options, [A1, A2], options with { Role = RTCIceRole.Controlled }, [B1], seed: 7)
            {
                Latency = Ms(15),
                LossRate = 0.3,
            };
            wire.Start();
            Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(20_000)));
            wire.RunUntil(wire.Now + Ms(1000));
            return wire;
        }

        var first = Run();
        var second = Run();
        AssertSamePair(first);
        Assert.True(first.Sent.Count > 10);
        Assert.Equal(first.Sent.Count, second.Sent.Count);
        for (int i = 0; i < first.Sent.Count; i++)
        {
            Assert.Equal(first.Sent[i].At, second.Sent[i].At);
            Assert.Equal(first.Sent[i].Datagram.Data, second.Sent[i].Datagram.Data);
        }
        Assert.Equal(first.A.Core.LocalParameters, second.A.Core.LocalParameters);
        Assert.Equal(first.A.Core.TieBreaker, second.A.Core.TieBreaker);
    }

    [Fact]
    public void Receive_TakesOnlyStun()
    {
        var core = new IceAgentCore(Options(RTCIceRole.Controlling), IceCoreWire.Origin, seed: 1);
        var from = new IPEndPoint(B1, 5000);
        Assert.False(core.Receive(Ms(0), new IceSocketId(1), [23, 254, 253], from));   // DTLS is the driver's
        Assert.False(core.Receive(Ms(0), new IceSocketId(1), [], from));
        Assert.False(core.Receive(Ms(0), new IceSocketId(1), [0, 1, 0], from));         // not whole STUN
        var binding = new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId()).AddFingerprint().ToArray();
        Assert.True(core.Receive(Ms(0), new IceSocketId(1), binding, from));            // STUN, on a socket it does not know: ignored
        Assert.Empty(core.Datagrams);
    }

    private static DateTimeOffset Origin(TimeSpan elapsed) => IceCoreWire.Origin + elapsed;

    private static IceSelectedCandidatePairChangedEvent SelectedEvent(IceCorePeer p) => p.EventsOf<IceSelectedCandidatePairChangedEvent>().Single();
}

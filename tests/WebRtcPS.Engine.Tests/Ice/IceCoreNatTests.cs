using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>
/// What the NAT lab demands of ICE (issue 11), on two cores and the in-test wire with RFC 4787 NATs,
/// STUN servers and a TURN server, at exact times: pairs the peer proves are used (RFC 8445
/// §7.3.1.4), direct paths win over relayed ones, and a verdict with its likely cause comes
/// within the checking timeout.
/// </summary>
public sealed class IceCoreNatTests
{
    // The lab's addresses (block 0): servers A and B, the routers' public sides, the LAN hosts.
    internal static readonly IPAddress ServerA = IPAddress.Parse("198.18.0.10"), ServerB = IPAddress.Parse("198.18.0.11");
    internal static readonly IPAddress Wan1 = IPAddress.Parse("198.18.0.101"), Wan2 = IPAddress.Parse("198.18.0.102");
    internal static readonly IPAddress Host1 = IPAddress.Parse("198.18.1.10"), Host2 = IPAddress.Parse("198.18.2.10");
    internal static readonly string[] TwoStunServers = [$"stun:{ServerA}:3478", $"stun:{ServerB}:3478"];

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>The peer connection's ICE defaults (Ta 10 ms, nomination without pacing), with a role.</summary>
    internal static IceAgentOptions Options(RTCIceRole role) => WebRtcPS.Engine.PeerConnection.RTCConfiguration.DefaultIce with { Role = role };

    /// <summary>The lab on the wire: 5 ms a hop, two STUN servers, a TURN server on A, and, as
    /// the seed's signaling, no end-of-candidates.</summary>
    internal static IceCoreWire Lab(IceAgentOptions a, IceAgentOptions b, int seed = 1)
    {
        var wire = new IceCoreWire(a, [Host1], b, [Host2], seed)
        {
            Latency = Ms(5),
            TrickleEndOfCandidates = false,
            TurnServer = new IPEndPoint(ServerA, 3478),
            TurnAllocationDelay = Ms(20),
        };
        wire.StunServers.Add(new IPEndPoint(ServerA, 3478));
        wire.StunServers.Add(new IPEndPoint(ServerB, 3478));
        return wire;
    }

    internal static bool Connected(IceCorePeer p) => p.Core.State is RTCIceTransportState.Connected or RTCIceTransportState.Completed;

    internal static bool Settled(IceCoreWire w) =>
        (Connected(w.A) || w.A.Core.State == RTCIceTransportState.Failed) && (Connected(w.B) || w.B.Core.State == RTCIceTransportState.Failed);

    private static List<IceSelectedCandidatePairChangedEvent> Selections(IceCorePeer p) => p.EventsOf<IceSelectedCandidatePairChangedEvent>();

    /// <summary>A check on a direct path: from a host socket to neither a server nor a relay.</summary>
    private static bool Direct(IceCorePeer peer, IceDatagram d) =>
        !peer.Relays.ContainsKey(d.Socket) && !d.To.Address.Equals(ServerA) && !d.To.Address.Equals(ServerB);

    private static bool Relayed(RTCIceCandidatePair? pair) => pair is not null && (pair.Local.Type == RTCIceCandidateType.Relay || pair.Remote.Type == RTCIceCandidateType.Relay);

    [Fact]
    public void ACheckFromLoopback_ToOurHostAddress_IsAnsweredPairedAndUsedWhenNominated()
    {
        // As pion did with -loopback-only: its check comes from 127.0.0.1 to our non-loopback host
        // candidate, a pair we never form ourselves ("a loopback socket reaches only loopback").
        // Here a's socket appears as 127.0.0.1:5000, and b never hears a's own candidate.
        var a = IPAddress.Parse("198.18.0.1");
        var wire = new IceCoreWire(Options(RTCIceRole.Controlling), [a], Options(RTCIceRole.Controlled), [Host2]) { Latency = Ms(1) };
        var loopback = new IPEndPoint(IPAddress.Loopback, 5000);
        wire.Nat[new IPEndPoint(a, 5000)] = loopback;
        wire.Start(trickle: false);
        wire.Signal(wire.B);   // only b's candidate goes to a

        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));
        // b answered, learned 127.0.0.1:5000 as peer-reflexive, paired it with its host candidate
        // (RFC 8445 §7.3.1.4), and took it when a nominated it.
        var pair = Assert.Single(wire.B.EventsOf<IceCandidatePairAddedEvent>()).Pair;
        Assert.Equal((Host2.ToString(), "127.0.0.1"), (pair.Local.Address, pair.Remote.Address));
        Assert.Equal(RTCIceCandidateType.Prflx, pair.Remote.Type);
        Assert.Single(wire.B.EventsOf<IcePairNominatedEvent>());
        Assert.Equal(loopback, wire.B.Core.Route!.Remote);
        Assert.Equal(Host2.ToString(), wire.B.Core.Route.Pair.Local.Address);
    }

    [Fact]
    public void RelayedPairValidFirst_TheControllingSideWaitsForTheDirectPair_AndSelectsIt()
    {
        // Site 1 port-restricted with TURN, site 2 public. The direct path loses its first checks
        // (until 120 ms): the relayed pair is valid long before the direct one.
        var a = Options(RTCIceRole.Controlling) with { IceServers = TwoStunServers, RelaySource = IceCoreWire.TurnMarker, CheckRto = Ms(100), NominationTimeout = Ms(50) };
        var wire = Lab(a, Options(RTCIceRole.Controlled));
        wire.AddNat(Wan1, IceCoreNatType.PortRestricted, Host1);
        wire.Drop = (peer, d) => wire.Now < Ms(120) && Direct(peer, d);
        wire.Start();
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));

        var relayedValid = wire.A.EventsOf<IceCheckSucceededEvent>().First(e => Relayed(e.Pair)).Elapsed;
        var directValid = wire.A.EventsOf<IceCheckSucceededEvent>().First(e => !Relayed(e.Pair)).Elapsed;
        Assert.True(relayedValid < Ms(100), $"relayed pair valid at {relayedValid}");
        // The relayed pair's answer made a's direct pair be checked again at once (at 40 ms, lost);
        // its retransmission 100 ms later passes.
        Assert.Equal(Ms(150), directValid);
        // Without the wait, NominationTimeout (50 ms) after the relayed pair would have nominated it.
        var nomination = Assert.Single(wire.A.EventsOf<IceCheckSentEvent>(), e => e.UseCandidate);
        Assert.False(Relayed(nomination.Pair));
        Assert.All(Selections(wire.A).Concat(Selections(wire.B)), s => Assert.False(Relayed(s.Pair)));
        Assert.Equal(RTCIceCandidateType.Host, wire.B.Core.Route!.Pair.Local.Type);
    }

    [Fact]
    public void NoDirectPath_TheRelayedPairIsNominatedDirectPathWaitAfterItBecameValid()
    {
        // Port-restricted against symmetric (cell 27): direct pairs never answer.
        var a = Options(RTCIceRole.Controlling) with { IceServers = TwoStunServers, RelaySource = IceCoreWire.TurnMarker };
        var b = Options(RTCIceRole.Controlled) with { IceServers = TwoStunServers, RelaySource = IceCoreWire.TurnMarker };
        var wire = Lab(a, b);
        wire.AddNat(Wan1, IceCoreNatType.PortRestricted, Host1);
        wire.AddNat(Wan2, IceCoreNatType.Symmetric, Host2);
        wire.Start();
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));

        var firstValid = wire.A.EventsOf<IceCheckSucceededEvent>()[0].Elapsed;
        Assert.True(Relayed(wire.A.EventsOf<IceCheckSucceededEvent>()[0].Pair));
        var nomination = Assert.Single(wire.A.EventsOf<IceCheckSentEvent>(), e => e.UseCandidate);
        Assert.Equal(firstValid + a.DirectPathWait, nomination.Elapsed);
        Assert.True(Relayed(wire.A.Core.Route!.Pair));
        // One relay: one side's relayed candidate, the other side's host socket (RFC 8656 §9
        // permissions are per IP address, and the symmetric NAT has one).
        Assert.Equal(1, new[] { wire.A.Core.Route.Pair.Local.Type, wire.B.Core.Route!.Pair.Local.Type }.Count(t => t == RTCIceCandidateType.Relay));
        // Direct pairs are still checked after the relayed pair is selected, until they fail.
        wire.RunUntil(Ms(2000));
        Assert.Contains(wire.A.EventsOf<IceCheckSentEvent>(), e => !Relayed(e.Pair) && e.Elapsed > nomination.Elapsed && e.Kind == IceCheckKind.Connectivity);
    }

    [Fact]
    public void ADirectPairSucceedingAfterTheRelayedOneWasSelected_ReplacesIt_OnBothSides()
    {
        // The direct path opens only at 1 s (a firewall rule, a late candidate): the relayed pair
        // is selected first, then the controlling side nominates the direct pair once it answers.
        var a = Options(RTCIceRole.Controlling) with { IceServers = TwoStunServers, RelaySource = IceCoreWire.TurnMarker, CheckRto = Ms(200) };
        var b = Options(RTCIceRole.Controlled) with { IceServers = TwoStunServers };
        var wire = Lab(a, b);
        wire.AddNat(Wan1, IceCoreNatType.PortRestricted, Host1);
        wire.AddNat(Wan2, IceCoreNatType.PortRestricted, Host2);
        wire.Drop = (peer, d) => wire.Now < Ms(1000) && Direct(peer, d);
        wire.Start();
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B) && !Relayed(wire.A.Core.Route!.Pair) && !Relayed(wire.B.Core.Route!.Pair), Ms(5000)));

        var a1 = Selections(wire.A);
        Assert.Equal(2, a1.Count);
        Assert.True(Relayed(a1[0].Pair));
        Assert.False(Relayed(a1[1].Pair));
        Assert.True(a1[1].Elapsed > Ms(1000));
        var b1 = Selections(wire.B);
        Assert.Equal([true, false], b1.Select(s => Relayed(s.Pair)));
        Assert.Equal(RTCIceCandidateType.Host, wire.A.Core.Route!.Pair.Local.Type);
        Assert.Equal(2, wire.A.EventsOf<IceCheckSentEvent>().Count(e => e.UseCandidate && e.Attempt == 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(60)]
    [InlineData(120)]
    public void ThePeersRelayedCandidateFirstSeenAsPeerReflexive_CountsAsRelayed_AndTheDirectPairIsSelected(int trickleDelayMs)
    {
        // Cell 51 of the lab (address-restricted against symmetric, STUN and TURN on both sides;
        // R3: a direct path). b's relayed candidate is trickled late (a slow POST under load), so
        // b's check from it reaches a first and a learns its address as peer-reflexive (RFC 8445
        // §7.3.1.3). That address is on the TURN server's relay address, as a's own relayed
        // candidate is: a counts the pair as relayed and waits DirectPathWait for the direct one
        // (once a relayed prflx pair was nominated at once and upgraded in place to relay).
        var a = Options(RTCIceRole.Controlling) with { IceServers = TwoStunServers, RelaySource = IceCoreWire.TurnMarker };
        var b = Options(RTCIceRole.Controlled) with { IceServers = TwoStunServers, RelaySource = IceCoreWire.TurnMarker };
        var wire = Lab(a, b);
        wire.AddNat(Wan1, IceCoreNatType.AddressRestricted, Host1);
        wire.AddNat(Wan2, IceCoreNatType.Symmetric, Host2);
        wire.TrickleDelay = (peer, c) => !ReferenceEquals(peer, wire.B) ? TimeSpan.Zero : c.Type switch
        {
            RTCIceCandidateType.Srflx => Ms(150),
            RTCIceCandidateType.Relay => Ms(trickleDelayMs),
            _ => TimeSpan.Zero,
        };
        wire.Start();
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));
        wire.RunUntil(wire.Now + Ms(500));

        // With the relayed candidate's trickle late, a did learn its address from b's check first.
        var learned = wire.A.EventsOf<IcePeerReflexiveCandidateEvent>().Any(e => e.Candidate.Address == ServerA.ToString());
        Assert.Equal(trickleDelayMs > 0, learned);
        Assert.All(Selections(wire.A).Concat(Selections(wire.B)), s => Assert.False(Relayed(s.Pair), $"selected {s.Pair} at {s.Elapsed}"));
        Assert.False(Relayed(wire.A.Core.Route!.Pair));
        Assert.False(Relayed(wire.B.Core.Route!.Pair));
    }

    [Fact]
    public void BehindNats_ThePairToThePeersPrivateAddress_HoldsNominationThreeRoundTrips_NotTheWholeTimeout()
    {
        // Full cone both sides, STUN: the host pair (to the peer's private address) outranks the
        // working server-reflexive pair and never answers. The peer connection's defaults
        // (NominationRoundTrips 3) wait three round trips of the valid pair after its first check.
        var a = Options(RTCIceRole.Controlling) with { IceServers = TwoStunServers };
        var wire = Lab(a, Options(RTCIceRole.Controlled) with { IceServers = TwoStunServers });
        wire.AddNat(Wan1, IceCoreNatType.FullCone, Host1);
        wire.AddNat(Wan2, IceCoreNatType.FullCone, Host2);
        wire.Start();
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));

        var hostCheck = wire.A.EventsOf<IceCheckSentEvent>().First(e => e.Pair.Remote.Type == RTCIceCandidateType.Host).Elapsed;
        var valid = wire.A.EventsOf<IceCheckSucceededEvent>()[0];
        var nomination = Assert.Single(wire.A.EventsOf<IceCheckSentEvent>(), e => e.UseCandidate);
        Assert.Equal(Ms(3 * 10), valid.RoundTripTime * 3);
        Assert.Equal(valid.Elapsed > hostCheck + valid.RoundTripTime * 3 ? valid.Elapsed : hostCheck + valid.RoundTripTime * 3, nomination.Elapsed);
        Assert.True(nomination.Elapsed < valid.Elapsed + a.NominationTimeout);
        Assert.Equal(RTCIceCandidateType.Srflx, wire.A.Core.Route!.Pair.Remote.Type);
    }

    [Fact]
    public void BothSymmetric_NoTurn_FailsAtTheCheckingTimeout_NamingBothSymmetricNats()
    {
        var a = Options(RTCIceRole.Controlling) with { IceServers = TwoStunServers };
        var b = Options(RTCIceRole.Controlled) with { IceServers = TwoStunServers };
        var wire = Lab(a, b);
        wire.AddNat(Wan1, IceCoreNatType.Symmetric, Host1);
        wire.AddNat(Wan2, IceCoreNatType.Symmetric, Host2);
        wire.Start();
        Assert.True(wire.RunUntil(() => Settled(wire), Ms(30_000)));

        foreach (var peer in new[] { wire.A, wire.B })
        {
            var failed = Assert.Single(peer.EventsOf<IceStateChangedEvent>(), e => e.NewState == RTCIceTransportState.Failed);
            // Checking began at 0 (both sides' credentials): the verdict is the checking timeout.
            Assert.Equal(a.CheckingTimeout, failed.Elapsed);
            Assert.StartsWith("no candidate pair succeeded within 10 s of checking", failed.Reason);
            Assert.Contains("Likely cause: both sides are behind address-and-port-dependent (symmetric) NATs", failed.Reason);
            Assert.Contains("no TURN server was given", failed.Reason);
        }
        // b's first check took port 50000 before its STUN requests went out.
        Assert.Contains($"the STUN servers saw {Wan1}:50000 and {Wan1}:50001 for one socket here, {Wan2}:50001 and {Wan2}:50002 on the peer",
                        wire.A.Core.BuildDiagnostics().Diagnosis);
    }

    [Fact]
    public void UdpBlocked_FailsWithUdpBlocked_AndThePeerSeesOnlyHostAddresses()
    {
        var a = Options(RTCIceRole.Controlling) with { IceServers = TwoStunServers, RelaySource = IceCoreWire.TurnMarker };
        var b = Options(RTCIceRole.Controlled) with { IceServers = TwoStunServers };
        var wire = Lab(a, b);
        wire.AddNat(Wan1, IceCoreNatType.UdpBlocked, Host1);
        wire.AddNat(Wan2, IceCoreNatType.PortRestricted, Host2);
        wire.A.TurnTransport = IceCoreTurnTransport.Udp;
        wire.Start();
        Assert.True(wire.RunUntil(() => Settled(wire), Ms(30_000)));

        var aReason = wire.A.EventsOf<IceStateChangedEvent>()[^1].Reason;
        Assert.Contains($"UDP seems blocked here: no STUN answer from stun:{ServerA}:3478, stun:{ServerB}:3478", aReason);
        Assert.Contains("use TURN over TCP or TLS", aReason);
        Assert.Contains($"the TURN server turn:{ServerA}:3478 did not answer over UDP", aReason);
        var bReason = wire.B.EventsOf<IceStateChangedEvent>()[^1].Reason;
        Assert.Contains($"the peer gathered only host address ({Host1}) and no server-reflexive or relayed candidate", bReason);
        Assert.All([wire.A, wire.B], p => Assert.Equal(RTCIceTransportState.Failed, p.Core.State));
    }

    [Fact]
    public void TurnRefusingTheCredentials_IsTheLikelyCause()
    {
        // Relay-only on both sides (as -RelayOnly): no host candidates, one TURN server.
        var relayOnly = new Func<RTCIceRole, IceAgentOptions>(role => Options(role) with { RelaySource = IceCoreWire.TurnMarker, InterfaceFilter = _ => false });
        var wire = Lab(relayOnly(RTCIceRole.Controlling), relayOnly(RTCIceRole.Controlled));
        wire.A.TurnUnauthorized = true;
        wire.Start();
        Assert.True(wire.RunUntil(() => Settled(wire), Ms(30_000)));

        var reason = wire.A.EventsOf<IceStateChangedEvent>()[^1].Reason;
        Assert.Contains($"Likely cause: the TURN server turn:{ServerA}:3478 refused the credentials (401): check the user name and password", reason);
        Assert.Contains("no local candidate was gathered: relay-only, and no TURN allocation succeeded", reason);
        Assert.Contains("the peer sent no candidate", wire.B.EventsOf<IceStateChangedEvent>()[^1].Reason);
    }

    [Fact]
    public void HostOnlyBehindNats_FailsNamingTheHostAddressesOfBothSides()
    {
        var wire = Lab(Options(RTCIceRole.Controlling), Options(RTCIceRole.Controlled));
        wire.AddNat(Wan1, IceCoreNatType.FullCone, Host1);
        wire.AddNat(Wan2, IceCoreNatType.FullCone, Host2);
        wire.Start();
        Assert.True(wire.RunUntil(() => Settled(wire), Ms(30_000)));
        var reason = wire.A.EventsOf<IceStateChangedEvent>()[^1].Reason;
        Assert.Contains($"neither side has a server-reflexive or relayed candidate (no STUN or TURN server was given here): host address ({Host1}) here and host address ({Host2}) on the peer", reason);
        Assert.Equal(Ms(10_000), wire.A.EventsOf<IceStateChangedEvent>()[^1].Elapsed);
    }
}

using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>
/// ".local" candidates (draft-ietf-mmusic-mdns-ice-candidates) on <see cref="IceCoreWire"/>: the
/// core asks for a look-up (<see cref="ResolveMdnsRequest"/>), the wire's link answers after
/// <see cref="IceCoreWire.MdnsDelay"/> from the names the other core published (its hidden host
/// candidates), or never; exact times on the hand-moved clock.
/// </summary>
public sealed class IceCoreMdnsTests
{
    private static readonly IPAddress A1 = IPAddress.Parse("198.18.0.1"), B1 = IPAddress.Parse("198.18.0.2");

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private static IceAgentOptions Options(RTCIceRole role) => new()
    {
        Role = role,
        Ta = Ms(50),
        CheckRto = Ms(500),
        NominationTimeout = Ms(200),
        MdnsResolver = IceCoreWire.MdnsMarker,
        MdnsTimeout = Ms(3000),
    };

    private static bool Connected(IceCorePeer p) => p.Core.State is RTCIceTransportState.Connected or RTCIceTransportState.Completed;

    [Fact]
    public void HiddenHostCandidate_ResolvesToARemoteCandidate_AndPairs()
    {
        var wire = new IceCoreWire(Options(RTCIceRole.Controlling) with { MdnsHostCandidates = true }, [A1], Options(RTCIceRole.Controlled), [B1])
        {
            Latency = Ms(10),
            MdnsDelay = Ms(5),
        };
        wire.Start(trickle: true);
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(5000)));

        // a signals a random UUID name (§3.1.1), never its address, and publishes it.
        var hidden = Assert.Single(wire.A.Core.LocalCandidates);
        Assert.True(hidden.IsMdns);
        Assert.True(Guid.TryParse(hidden.Address[..^".local".Length], out var uuid));
        Assert.Equal(4, uuid.Version);
        Assert.Equal(A1, wire.MdnsNames[hidden.Address]);
        // b looks the name up once, has its address 5 ms later, pairs it and checks it at once:
        // the name is a remote candidate like any other (no peer-reflexive detour).
        var query = Assert.Single(wire.MdnsQueries);
        Assert.Equal((Ms(0), "b", hidden.Address), (query.At, query.From.Name, query.Name));
        var added = Assert.Single(wire.B.EventsOf<IceRemoteCandidateAddedEvent>());
        Assert.Equal((Ms(5), hidden.Address, A1.ToString()), (added.Elapsed, added.Candidate.Address, added.ResolvedAddress));
        Assert.Empty(wire.B.EventsOf<IcePeerReflexiveCandidateEvent>());
        var firstCheck = wire.B.EventsOf<IceCheckSentEvent>()[0];
        Assert.Equal((Ms(5), hidden.Address), (firstCheck.Elapsed, firstCheck.Pair.Remote.Address));
        Assert.Equal(hidden.Address, wire.B.Core.Route!.Pair.Remote.Address);
        Assert.Equal(new IPEndPoint(A1, 5000), wire.B.Core.Route!.Remote);
        Assert.Empty(wire.B.Core.BuildDiagnostics().UnresolvedMdnsNames);
    }

    [Fact]
    public void UnresolvedName_IsDiagnosedAfterTheBoundedWait()
    {
        var wire = new IceCoreWire(Options(RTCIceRole.Controlling) with { MdnsHostCandidates = true }, [A1], Options(RTCIceRole.Controlled), [B1])
        {
            Latency = Ms(10),
            MdnsBlocked = true,   // the peers are on different links
        };
        wire.Start(trickle: false);
        wire.Signal(wire.A);   // only a's (hidden) candidates reach b
        var name = wire.A.Core.LocalCandidates.Single().Address;

        wire.RunUntil(Ms(2999));
        Assert.Empty(wire.B.EventsOf<IceRemoteCandidateRejectedEvent>());
        Assert.Equal(new[] { name }, wire.B.Core.BuildDiagnostics().PendingMdnsNames);
        Assert.Equal(RTCIceTransportState.Checking, wire.B.Core.State);

        wire.RunUntil(Ms(3000));
        var rejected = Assert.Single(wire.B.EventsOf<IceRemoteCandidateRejectedEvent>());
        Assert.Equal(Ms(3000), rejected.Elapsed);
        Assert.Equal($"mDNS name {name} did not resolve within 3 s: no answer", rejected.Reason);
        var diagnostics = wire.B.Core.BuildDiagnostics();
        Assert.Equal(new[] { name }, diagnostics.UnresolvedMdnsNames);
        Assert.Empty(diagnostics.PendingMdnsNames);
        Assert.Contains(diagnostics.Problems, p => p.Contains(name + " did not resolve", StringComparison.Ordinal));
        Assert.Contains("mDNS names (" + name + ") that did not resolve here", diagnostics.Diagnosis, StringComparison.Ordinal);
        // Nothing else to wait for (a's end-of-candidates came, b's gathering is over): failed at
        // once, the likely cause in the reason.
        Assert.Equal(RTCIceTransportState.Failed, wire.B.Core.State);
        Assert.Equal(Ms(3000), wire.B.EventsOf<IceStateChangedEvent>().Last().Elapsed);
        Assert.Contains("Likely cause: the peer's host candidates are mDNS names", wire.B.EventsOf<IceStateChangedEvent>().Last().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PeerReflexivePair_IsMergedWithTheLaterResolvedName()
    {
        var wire = new IceCoreWire(Options(RTCIceRole.Controlling) with { MdnsHostCandidates = true }, [A1], Options(RTCIceRole.Controlled), [B1])
        {
            Latency = Ms(10),
            MdnsDelay = Ms(500),   // a slow responder: a's checks arrive first
        };
        wire.Start(trickle: true);
        var name = wire.A.Core.LocalCandidates.Single().Address;
        Assert.True(wire.RunUntil(() => Connected(wire.A) && Connected(wire.B), Ms(400)));

        // b knows a only from its check (RFC 8445 §7.3.1.3), and selected that pair.
        var prflx = Assert.Single(wire.B.Core.RemoteCandidates);
        Assert.Equal((RTCIceCandidateType.Prflx, A1.ToString()), (prflx.Type, prflx.Address));
        var pairs = wire.B.EventsOf<IceCandidatePairAddedEvent>().Count;
        var selected = wire.B.Core.Route!;
        var priorityBefore = wire.B.Core.BuildDiagnostics().Pairs.Single().Priority;

        wire.RunUntil(Ms(1000));
        // The name resolves to the same address: the same remote candidate and pair, now with the
        // signalled type and priority (draft-ietf-mmusic-mdns-ice-candidates §3.2.2); no new pair.
        var added = Assert.Single(wire.B.EventsOf<IceRemoteCandidateAddedEvent>());
        Assert.Equal((Ms(500), name, A1.ToString()), (added.Elapsed, added.Candidate.Address, added.ResolvedAddress));
        var merged = Assert.Single(wire.B.Core.RemoteCandidates);
        Assert.Equal((RTCIceCandidateType.Host, name), (merged.Type, merged.Address));
        Assert.Equal(pairs, wire.B.EventsOf<IceCandidatePairAddedEvent>().Count);
        Assert.Same(selected, wire.B.Core.Route);
        var pair = wire.B.Core.BuildDiagnostics().Pairs.Single();
        Assert.True(pair.Selected);
        Assert.NotEqual(priorityBefore, pair.Priority);
        Assert.True(Connected(wire.B));
    }

    [Fact]
    public void OneLookUpPerName_AndAtMostMaxMdnsNamesPerPeer()
    {
        var core = new IceAgentCore(Options(RTCIceRole.Controlled) with { MaxMdnsNames = 2 }, IceCoreWire.Origin, seed: 1);
        core.SetRemoteParameters(Ms(0), RTCIceParameters.Generate());
        foreach (var sdp in new[]
        {
            "candidate:1 1 udp 2130706431 n1.local 4000 typ host",
            "candidate:2 1 udp 2130706431 N1.local. 4005 typ host",
            "candidate:3 1 udp 2130706431 n2.local 4001 typ host",
            "candidate:4 1 udp 2130706431 n3.local 4002 typ host",
        })
        {
            core.AddRemoteCandidate(Ms(0), RTCIceCandidate.Parse(sdp));
        }
        var lookups = core.Requests.OfType<ResolveMdnsRequest>().ToList();
        Assert.Equal("n1.local,n2.local", string.Join(",", lookups.Select(l => l.Name)));
        Assert.All(lookups, l => Assert.Equal(Ms(3000), l.Timeout));
        var rejected = Assert.Single(core.Events.OfType<IceRemoteCandidateRejectedEvent>());
        Assert.Equal("n3.local", rejected.Candidate.Address);
        Assert.Contains("MaxMdnsNames", rejected.Reason, StringComparison.Ordinal);

        // Both families answered: the IPv6 address is used (§3.2.1); late answers are ignored.
        core.MdnsResolved(Ms(20), lookups[0].Id, [IPAddress.Parse("198.18.0.9"), IPAddress.Parse("2001:db8::9")], null);
        Assert.All(core.Events.OfType<IceRemoteCandidateAddedEvent>(), e => Assert.Equal("2001:db8::9", e.ResolvedAddress));
        Assert.Equal(2, core.Events.OfType<IceRemoteCandidateAddedEvent>().Count());
        core.Tick(Ms(3000));
        core.MdnsResolved(Ms(3001), lookups[1].Id, [IPAddress.Parse("198.18.0.10")], null);
        Assert.Equal(2, core.Events.OfType<IceRemoteCandidateAddedEvent>().Count());
        Assert.Equal("n2.local", Assert.Single(core.BuildDiagnostics().UnresolvedMdnsNames));
    }
}

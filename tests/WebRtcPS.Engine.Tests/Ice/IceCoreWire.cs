using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>One <see cref="IceAgentCore"/> on the wire: its host addresses and sockets, and every
/// event it produced, with the wire's time.</summary>
internal sealed class IceCorePeer(string name, IceAgentCore core, IPAddress[] addresses)
{
    public string Name { get; } = name;
    public IceAgentCore Core { get; } = core;
    public IPAddress[] Addresses { get; } = addresses;
    public Dictionary<IceSocketId, IPEndPoint> Sockets { get; } = [];
    public Dictionary<IceSocketId, IceCoreRelay> Relays { get; } = [];
    public List<IceEvent> Events { get; } = [];
    public IceCorePeer? TrickleTo { get; set; }

    /// <summary>How this peer reaches <see cref="IceCoreWire.TurnServer"/> when its options have
    /// <see cref="IceCoreWire.TurnMarker"/> as relay source.</summary>
    public IceCoreTurnTransport TurnTransport { get; set; }

    /// <summary>The TURN server refuses this peer's credentials (401).</summary>
    public bool TurnUnauthorized { get; set; }

    public List<T> EventsOf<T>() where T : IceEvent => Events.OfType<T>().ToList();

    public IEnumerable<RTCIceTransportState> States => EventsOf<IceStateChangedEvent>().Select(e => e.NewState);

    public override string ToString() => Name;
}

/// <summary>
/// Two ICE cores on a hand-moved clock and an in-test wire: every datagram a core outputs is
/// delivered to the socket bound at its destination after <see cref="Latency"/>, unless the
/// seeded loss, a blackholed address or <see cref="Drop"/> takes it. A static NAT can stand in
/// front of a socket (its datagrams leave from the mapped address, only the mapped address
/// reaches it), or an RFC 4787 NAT (<see cref="AddNat"/>) in front of addresses, whose inside
/// addresses nobody outside reaches (private addresses are not routed). STUN servers
/// (<see cref="StunServers"/>) answer Binding requests with the source they saw; a TURN server
/// (<see cref="TurnServer"/>) gives peers whose relay source is <see cref="TurnMarker"/> an
/// allocation with IP permissions. Candidates trickle after <see cref="SignalingLatency"/>.
/// Host sockets are opened at once, ports from 5000. No TimeProvider, no threads: everything
/// happens in <see cref="RunUntil(TimeSpan)"/> in time order.
/// </summary>
internal sealed class IceCoreWire
{
    public static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Put in a peer's <see cref="IceAgentOptions.RelaySource"/>: the wire's TURN server allocates for it.</summary>
    public static readonly IRelayCandidateSource TurnMarker = new NoRelaySource();

    /// <summary>Put in a peer's <see cref="IceAgentOptions.MdnsResolver"/>: the wire's link answers
    /// its ".local" look-ups from <see cref="MdnsNames"/>.</summary>
    public static readonly IMdnsResolver MdnsMarker = new NoMdnsResolver();

    private readonly Random _loss;
    private readonly PriorityQueue<(IPEndPoint Source, IPEndPoint To, byte[] Data), (TimeSpan, long)> _inFlight = new();
    private readonly PriorityQueue<Action, (TimeSpan, long)> _scheduled = new();
    private readonly List<IceCoreNat> _nats = [];
    private long _sequence;
    private int _lastSocket;
    private int _nextRelayPort = 49152;

    public IceCoreWire(IceAgentOptions a, IPAddress[] aAddresses, IceAgentOptions b, IPAddress[] bAddresses, int seed = 1)
    {
        _loss = new Random(seed);
        A = new IceCorePeer("a", new IceAgentCore(a, Origin, seed * 2 + 1), aAddresses);
        B = new IceCorePeer("b", new IceAgentCore(b, Origin, seed * 2 + 2), bAddresses);
    }

    public IceCorePeer A { get; }
    public IceCorePeer B { get; }
    public TimeSpan Now { get; private set; }
    public TimeSpan Latency { get; set; }
    public double LossRate { get; set; }
    public HashSet<IPAddress> Blackholes { get; } = [];
    public Func<IceCorePeer, IceDatagram, bool>? Drop { get; set; }

    /// <summary>Inside (a socket's own address) to outside (where it appears from).</summary>
    public Dictionary<IPEndPoint, IPEndPoint> Nat { get; } = [];

    /// <summary>STUN servers: each answers a Binding request with XOR-MAPPED-ADDRESS, the source it saw.</summary>
    public HashSet<IPEndPoint> StunServers { get; } = [];

    /// <summary>The TURN server: its address, in relayed candidates' foundations and URLs.</summary>
    public IPEndPoint? TurnServer { get; set; }

    /// <summary>Time from a core asking for relays to its allocation (the Allocate exchange).</summary>
    public TimeSpan TurnAllocationDelay { get; set; }

    /// <summary>Trickle end-of-candidates too (RFC 8838); the seed's signaling has none.</summary>
    public bool TrickleEndOfCandidates { get; set; } = true;

    /// <summary>Time a trickled candidate takes through signaling (zero: handed over at once).</summary>
    public TimeSpan SignalingLatency { get; set; }

    /// <summary>Extra signaling delay for one trickled candidate (a slow POST for that one), on top
    /// of <see cref="SignalingLatency"/>; null: none.</summary>
    public Func<IceCorePeer, RTCIceCandidate, TimeSpan>? TrickleDelay { get; set; }

    /// <summary>The ".local" names the link's responders answer for: those the peers publish
    /// (hidden host candidates), and any a test adds.</summary>
    public Dictionary<string, IPAddress> MdnsNames { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Time from a look-up to its answer (the query's round trip).</summary>
    public TimeSpan MdnsDelay { get; set; }

    /// <summary>Multicast does not pass (another network): no look-up is ever answered.</summary>
    public bool MdnsBlocked { get; set; }

    /// <summary>Every look-up: when, by whom, which name.</summary>
    public List<(TimeSpan At, IceCorePeer From, string Name)> MdnsQueries { get; } = [];

    /// <summary>Puts an RFC 4787 NAT with public address <paramref name="publicAddress"/> in front
    /// of <paramref name="inside"/>.</summary>
    public IceCoreNat AddNat(IPAddress publicAddress, IceCoreNatType type, params IPAddress[] inside)
    {
        var nat = new IceCoreNat(publicAddress, type, inside);
        _nats.Add(nat);
        return nat;
    }

    private IceCoreNat? NatOf(IPAddress address) => _nats.Find(n => n.Inside.Contains(address));

    /// <summary>Every datagram sent (lost or not): when, by whom, from which address.</summary>
    public List<(TimeSpan At, IceCorePeer From, IPEndPoint Source, IceDatagram Datagram)> Sent { get; } = [];

    public IceCorePeer Other(IceCorePeer peer) => ReferenceEquals(peer, A) ? B : A;

    /// <summary>Both sides' credentials, both start gathering; with <paramref name="trickle"/>
    /// every candidate and end-of-candidates goes to the other side the moment it is produced.</summary>
    public void Start(bool trickle = true)
    {
        A.Core.SetRemoteParameters(Now, B.Core.LocalParameters);
        B.Core.SetRemoteParameters(Now, A.Core.LocalParameters);
        if (trickle)
        {
            A.TrickleTo = B;
            B.TrickleTo = A;
        }
        StartGathering(A);
        StartGathering(B);
        Pump();
    }

    public void StartGathering(IceCorePeer peer)
    {
        peer.Core.StartGathering(Now, peer.Addresses.Select(a => new IceNetworkAddress(a, "veth", IPAddress.IsLoopback(a))).ToArray());
        Pump();
    }

    /// <summary>All of <paramref name="from"/>'s gathered candidates, then end-of-candidates, to the
    /// other side in one batch (as one description carries them): serviced once, at the end.</summary>
    public void Signal(IceCorePeer from, bool endOfCandidates = true)
    {
        if (SignalingLatency > TimeSpan.Zero)
        {
            var candidates = from.Core.LocalCandidates.ToArray();
            Schedule(SignalingLatency, () => SignalNow(from, candidates, endOfCandidates));
            return;
        }
        SignalNow(from, from.Core.LocalCandidates, endOfCandidates);
    }

    private void SignalNow(IceCorePeer from, IReadOnlyList<RTCIceCandidate> candidates, bool endOfCandidates)
    {
        var to = Other(from).Core;
        to.DeferService = true;
        foreach (var c in candidates) to.AddRemoteCandidate(Now, c);
        if (endOfCandidates) to.AddRemoteEndOfCandidates(Now);
        to.DeferService = false;
        to.Tick(Now);
        Pump();
    }

    /// <summary>Moves the clock to <paramref name="until"/>, delivering datagrams and ticking each
    /// core at its deadline, in time order.</summary>
    public void RunUntil(TimeSpan until)
    {
        for (int steps = 0; ; steps++)
        {
            Assert.True(steps < 1_000_000, "the cores do not settle (a deadline that never moves?)");
            var next = NextEvent();
            if (next is not { } t || t > until) break;
            if (t > Now) Now = t;
            if (A.Core.NextDeadline <= Now) A.Core.Tick(Now);
            if (B.Core.NextDeadline <= Now) B.Core.Tick(Now);
            Pump();
        }
        if (until > Now) Now = until;
    }

    /// <summary>Runs until <paramref name="condition"/> holds, at most until <paramref name="limit"/>; says whether it held.</summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit)
    {
        while (!condition())
        {
            var next = NextEvent();
            if (next is not { } t || t > limit)
            {
                RunUntil(limit);
                return condition();
            }
            RunUntil(t > Now ? t : Now);
        }
        return true;
    }

    /// <summary>Takes both cores' outputs and delivers what is due now, until nothing moves.</summary>
    public void Pump()
    {
        for (int rounds = 0; ; rounds++)
        {
            Assert.True(rounds < 100_000, "the wire does not settle");
            bool moved = Take(A) | Take(B);
            while (_scheduled.TryPeek(out _, out var when) && when.Item1 <= Now)
            {
                _scheduled.Dequeue()();
                moved = true;
            }
            while (_inFlight.TryPeek(out _, out var due) && due.Item1 <= Now)
            {
                var (source, to, data) = _inFlight.Dequeue();
                Deliver(source, to, data);
                moved = true;
            }
            if (!moved) return;
        }
    }

    private bool Take(IceCorePeer peer)
    {
        var core = peer.Core;
        bool moved = core.Datagrams.Count > 0 || core.Events.Count > 0 || core.Requests.Count > 0;
        core.ValidatedRemotes.Clear();
        var events = core.Events.ToArray();
        core.Events.Clear();
        foreach (var e in events)
        {
            peer.Events.Add(e);
            if (peer.TrickleTo is { } to && e is IceCandidateGatheredEvent g)
                Trickle(() => to.Core.AddRemoteCandidate(Now, g.Candidate), TrickleDelay?.Invoke(peer, g.Candidate) ?? TimeSpan.Zero);
            if (peer.TrickleTo is { } eoc && e is IceEndOfCandidatesEvent && TrickleEndOfCandidates) Trickle(() => eoc.Core.AddRemoteEndOfCandidates(Now));
        }
        var requests = core.Requests.ToArray();
        core.Requests.Clear();
        foreach (var request in requests)
        {
            switch (request)
            {
                case OpenHostSocketsRequest open:
                    for (int i = 0; open.Udp && i < open.Addresses.Count; i++)
                    {
                        var id = new IceSocketId(++_lastSocket);
                        var endPoint = new IPEndPoint(open.Addresses[i], 5000 + i);
                        peer.Sockets[id] = endPoint;
                        core.HostSocketOpened(Now, id, endPoint, i, RTCIceProtocol.Udp);
                    }
                    core.HostSocketsDone(Now);
                    break;
                case AllocateRelaysRequest:
                    Schedule(TurnAllocationDelay, () => Allocate(peer));
                    break;
                case PublishMdnsNameRequest publish:
                    MdnsNames[publish.Name] = publish.Address;
                    break;
                case ResolveMdnsRequest resolve:
                    MdnsQueries.Add((Now, peer, resolve.Name));
                    if (!MdnsBlocked && MdnsNames.TryGetValue(resolve.Name, out var resolved))
                        Schedule(MdnsDelay, () => core.MdnsResolved(Now, resolve.Id, [resolved], null));
                    break;
                default:
                    throw new NotSupportedException($"the test wire does not do {request}");
            }
        }
        var datagrams = core.Datagrams.ToArray();
        core.Datagrams.Clear();
        foreach (var d in datagrams)
        {
            IPEndPoint? source;
            if (peer.Relays.TryGetValue(d.Socket, out var relay))
            {
                // Sent through the relay (a Send indication): it leaves from the relayed address,
                // and the peer's address gets a permission (RFC 8656 §9).
                source = relay.Address;
                relay.Permissions.Add(d.To.Address);
            }
            else
            {
                var local = peer.Sockets[d.Socket];
                source = Nat.TryGetValue(local, out var outside) ? outside : local;
                if (NatOf(local.Address) is { } nat && !nat.Inside.Contains(d.To.Address)) source = nat.Outbound(local, d.To);
            }
            Sent.Add((Now, peer, source ?? peer.Sockets[d.Socket], d));
            if (source is null) continue;   // a NAT that lets no UDP out
            if (Blackholes.Contains(source.Address) || Blackholes.Contains(d.To.Address)) continue;
            if (LossRate > 0 && _loss.NextDouble() < LossRate) continue;
            if (Drop?.Invoke(peer, d) == true) continue;
            _inFlight.Enqueue((source, d.To, d.Data), (Now + Latency, _sequence++));
        }
        return moved;
    }

    private void Deliver(IPEndPoint source, IPEndPoint to, byte[] data)
    {
        if (StunServers.Contains(to))
        {
            AnswerBinding(source, to, data);
            return;
        }
        foreach (var peer in new[] { A, B })
        {
            foreach (var (id, relay) in peer.Relays)
            {
                if (!relay.Address.Equals(to)) continue;
                if (relay.Permissions.Contains(source.Address)) Assert.True(peer.Core.Receive(Now, id, data, source));
                return;
            }
        }
        if (_nats.Find(n => n.Public.Equals(to.Address)) is { } nat)
        {
            if (nat.Inbound(source, to) is { } inside) DeliverToSocket(source, inside, data);
            return;
        }
        // A private address is reached only from its own network.
        if (NatOf(to.Address) is { } home && !home.Inside.Contains(source.Address)) return;
        DeliverToSocket(source, to, data);
    }

    private void DeliverToSocket(IPEndPoint source, IPEndPoint to, byte[] data)
    {
        foreach (var peer in new[] { A, B })
        {
            foreach (var (id, endPoint) in peer.Sockets)
            {
                var reachable = Nat.TryGetValue(endPoint, out var outside) ? outside : endPoint;
                if (!reachable.Equals(to)) continue;
                Assert.True(peer.Core.Receive(Now, id, data, source));
                return;
            }
        }
        // Nobody there: lost.
    }

    /// <summary>A STUN server's answer (RFC 8489 §7.3.1): XOR-MAPPED-ADDRESS is the source it saw.</summary>
    private void AnswerBinding(IPEndPoint source, IPEndPoint server, byte[] data)
    {
        if (!WebRtcPS.Engine.Stun.StunMessage.TryParse(data, out var request) || request.Class != WebRtcPS.Engine.Stun.StunClass.Request) return;
        var response = new WebRtcPS.Engine.Stun.StunMessageBuilder(WebRtcPS.Engine.Stun.StunMessageType.BindingSuccessResponse, request.TransactionId);
        response.AddXorAddress(new WebRtcPS.Engine.Stun.Attributes.XorMappedAddress(source));
        response.AddFingerprint();
        _inFlight.Enqueue((server, source, response.ToArray()), (Now + Latency, _sequence++));
    }

    /// <summary>The wire's TURN server allocates for <paramref name="peer"/>: a relayed address
    /// (the server's, ports from 49152), unless UDP cannot reach it or the credentials are refused.</summary>
    private void Allocate(IceCorePeer peer)
    {
        var core = peer.Core;
        var server = TurnServer ?? throw new InvalidOperationException("the wire has no TurnServer");
        var url = peer.TurnTransport switch
        {
            IceCoreTurnTransport.Udp => $"turn:{server}",
            IceCoreTurnTransport.Tcp => $"turn:{server}?transport=tcp",
            _ => $"turns:{server.Address}:5349",
        };
        // The TURN client's own socket, on the peer's first address (relay-only peers have no host candidate).
        var host = new IPEndPoint(peer.Addresses[0], 4000);
        var nat = NatOf(host.Address);
        if (peer.TurnTransport == IceCoreTurnTransport.Udp && nat?.Type == IceCoreNatType.UdpBlocked)
        {
            core.RelayFailed(Now, url, host.ToString(), "Timed out: no answer from the TURN server", 701);
        }
        else if (peer.TurnUnauthorized)
        {
            core.RelayFailed(Now, url, host.ToString(), "Authentication failed: 401 Unauthorized", 401);
        }
        else
        {
            // The allocation's own mapping (its client socket): a distinct port on the NAT.
            var mapped = nat is null ? host : new IPEndPoint(nat.Public, 60000 + peer.Relays.Count);
            var relay = new IceCoreRelay(new IPEndPoint(server.Address, _nextRelayPort++));
            var id = new IceSocketId(++_lastSocket);
            peer.Relays[id] = relay;
            var transport = peer.TurnTransport == IceCoreTurnTransport.Udp ? RTCIceProtocol.Udp : RTCIceProtocol.Tcp;
            core.RelayReady(Now, id, new RelayAllocation(null, relay.Address, mapped, server.Address, transport, Url: url));
        }
        core.RelaysDone(Now);
    }

    private void Schedule(TimeSpan after, Action action) => _scheduled.Enqueue(action, (Now + after, _sequence++));

    private void Trickle(Action deliver, TimeSpan extra = default)
    {
        if (SignalingLatency + extra > TimeSpan.Zero) Schedule(SignalingLatency + extra, deliver);
        else deliver();
    }

    private TimeSpan? NextEvent() =>
        Min(Min(Min(A.Core.NextDeadline, B.Core.NextDeadline), _inFlight.TryPeek(out _, out var at) ? at.Item1 : null),
            _scheduled.TryPeek(out _, out var when) ? when.Item1 : null);

    private sealed class NoRelaySource : IRelayCandidateSource
    {
        public IAsyncEnumerable<RelayAllocation> AllocateAsync(IIceNetwork network, CancellationToken cancellationToken) =>
            throw new NotSupportedException("the test wire allocates relays itself");
    }

    private sealed class NoMdnsResolver : IMdnsResolver
    {
        public ValueTask<IReadOnlyList<IPAddress>> ResolveAsync(string name, TimeSpan timeout, CancellationToken cancellationToken) =>
            throw new NotSupportedException("the test wire resolves names itself");
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}

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
    public List<IceEvent> Events { get; } = [];
    public IceCorePeer? TrickleTo { get; set; }

    public List<T> EventsOf<T>() where T : IceEvent => Events.OfType<T>().ToList();

    public IEnumerable<RTCIceTransportState> States => EventsOf<IceStateChangedEvent>().Select(e => e.NewState);

    public override string ToString() => Name;
}

/// <summary>
/// Two ICE cores on a hand-moved clock and an in-test wire: every datagram a core outputs is
/// delivered to the socket bound at its destination after <see cref="Latency"/>, unless the
/// seeded loss, a blackholed address or <see cref="Drop"/> takes it. A static NAT can stand in
/// front of a socket (its datagrams leave from the mapped address, only the mapped address
/// reaches it). Host sockets are opened at once, ports from 5000. No TimeProvider, no threads:
/// everything happens in <see cref="RunUntil(TimeSpan)"/> in time order.
/// </summary>
internal sealed class IceCoreWire
{
    public static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Random _loss;
    private readonly PriorityQueue<(IceCorePeer From, IceDatagram Datagram, IPEndPoint Source), (TimeSpan, long)> _inFlight = new();
    private long _sequence;
    private int _lastSocket;

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
        var to = Other(from).Core;
        to.DeferService = true;
        foreach (var c in from.Core.LocalCandidates) to.AddRemoteCandidate(Now, c);
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
            var next = Min(Min(A.Core.NextDeadline, B.Core.NextDeadline), _inFlight.TryPeek(out _, out var at) ? at.Item1 : null);
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
            var next = Min(Min(A.Core.NextDeadline, B.Core.NextDeadline), _inFlight.TryPeek(out _, out var at) ? at.Item1 : null);
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
            while (_inFlight.TryPeek(out _, out var due) && due.Item1 <= Now)
            {
                var (from, datagram, source) = _inFlight.Dequeue();
                Deliver(from, datagram, source);
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
            if (peer.TrickleTo is { } to && e is IceCandidateGatheredEvent g) to.Core.AddRemoteCandidate(Now, g.Candidate);
            if (peer.TrickleTo is { } eoc && e is IceEndOfCandidatesEvent) eoc.Core.AddRemoteEndOfCandidates(Now);
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
                default:
                    throw new NotSupportedException($"the test wire does not do {request}");
            }
        }
        var datagrams = core.Datagrams.ToArray();
        core.Datagrams.Clear();
        foreach (var d in datagrams)
        {
            var local = peer.Sockets[d.Socket];
            var source = Nat.TryGetValue(local, out var outside) ? outside : local;
            Sent.Add((Now, peer, source, d));
            if (Blackholes.Contains(source.Address) || Blackholes.Contains(d.To.Address)) continue;
            if (LossRate > 0 && _loss.NextDouble() < LossRate) continue;
            if (Drop?.Invoke(peer, d) == true) continue;
            _inFlight.Enqueue((peer, d, source), (Now + Latency, _sequence++));
        }
        return moved;
    }

    private void Deliver(IceCorePeer from, IceDatagram datagram, IPEndPoint source)
    {
        foreach (var peer in new[] { A, B })
        {
            foreach (var (id, endPoint) in peer.Sockets)
            {
                var reachable = Nat.TryGetValue(endPoint, out var outside) ? outside : endPoint;
                if (!reachable.Equals(datagram.To)) continue;
                Assert.True(peer.Core.Receive(Now, id, datagram.Data, source));
                return;
            }
        }
        // Nobody there: lost.
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// Configuration of an <see cref="IceAgent"/>. Timer defaults follow the RFCs; tests and our
/// own deployments may shorten them (a Ta of 5-20 ms between our own peers is fine).
/// </summary>
public sealed record IceAgentOptions
{
    /// <summary>Initial role; the offerer is controlling (RFC 8445 §6.1.1). A conflict with the
    /// peer is resolved at run time (§7.3.1.1).</summary>
    public RTCIceRole Role { get; init; } = RTCIceRole.Controlling;

    /// <summary>STUN servers for server-reflexive candidates, as stun: URIs (turn: URIs are
    /// ignored here; relayed candidates come from <see cref="RelaySource"/>).</summary>
    public IReadOnlyList<string> IceServers { get; init; } = [];

    /// <summary>Gather loopback host candidates even when other interfaces exist (loopback is
    /// always used when it is the only interface).</summary>
    public bool IncludeLoopback { get; init; }

    /// <summary>Gather IPv6 host candidates (link-local ones never are).</summary>
    public bool EnableIPv6 { get; init; } = true;

    /// <summary>Optional filter: return false to skip an interface address.</summary>
    public Func<IceNetworkAddress, bool>? InterfaceFilter { get; init; }

    /// <summary>Relayed candidates (TURN); none when null.</summary>
    public IRelayCandidateSource? RelaySource { get; init; }

    /// <summary>Gather ICE-TCP host candidates (RFC 6544): a passive one (a listener) and an active
    /// one (port 9) per host address, and use the peer's TCP candidates (active to passive).
    /// Off by default; needs the operating system's network.</summary>
    public bool EnableTcp { get; init; }

    /// <summary>Gather no UDP host (hence no server-reflexive) candidates: with
    /// <see cref="EnableTcp"/>, a TCP-only agent for networks that block UDP (and for tests).
    /// Relayed candidates from <see cref="RelaySource"/> are still gathered.</summary>
    public bool DisableUdp { get; init; }

    /// <summary>Resolver for remote ".local" candidates (draft-ietf-mmusic-mdns-ice-candidates §3.2);
    /// when null they are rejected. <see cref="PeerConnection.RTCConfiguration.DefaultIce"/> (a peer connection's
    /// default) has <see cref="MulticastDnsResolver.Shared"/>.</summary>
    public IMdnsResolver? MdnsResolver { get; init; }

    /// <summary>How long a remote ".local" name may take to resolve (RFC 6762 §5.1 one-shot
    /// queries; answers come within a few hundred milliseconds on a link). After it the name's
    /// candidates are rejected, and the name is reported in the diagnostics as unresolved.</summary>
    public TimeSpan MdnsTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>At most this many distinct ".local" names are looked up per peer (per ICE
    /// generation); further ones are rejected. A browser gives one per host address.</summary>
    public int MaxMdnsNames { get; init; } = 16;

    /// <summary>Hide our host addresses behind random ".local" names, as browsers do
    /// (draft-ietf-mmusic-mdns-ice-candidates §3.1), and answer mDNS queries for them through
    /// <see cref="MdnsResponder"/>. Loopback addresses are never hidden. Off by default.</summary>
    public bool MdnsHostCandidates { get; init; }

    /// <summary>Answers queries for our hidden host candidates' names; when null (and
    /// <see cref="MdnsHostCandidates"/> is set) the process's <see cref="MulticastDnsResponder.Shared"/>.</summary>
    public IMdnsResponder? MdnsResponder { get; init; }

    /// <summary>Ta: the pace of new check transactions (RFC 8445 §14.2 recommends 50 ms).</summary>
    public TimeSpan Ta { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Initial retransmission timeout of a connectivity check (RFC 8445 §14.3 floor: 500 ms);
    /// doubles after each retransmission up to <see cref="MaxCheckRto"/>.</summary>
    public TimeSpan CheckRto { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound of the doubling check RTO.</summary>
    public TimeSpan MaxCheckRto { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Requests per check transaction before it times out (Rc, RFC 8489 §6.2.1).</summary>
    public int MaxCheckRequests { get; init; } = 7;

    /// <summary>Initial RTO of a Binding request to a STUN server while gathering.</summary>
    public TimeSpan StunRto { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Requests to a STUN server before giving up on it.</summary>
    public int MaxStunRequests { get; init; } = 4;

    /// <summary>How long the controlling agent waits, after its first valid pair, for
    /// higher-priority pairs still being checked before it nominates (RFC 8445 §8.1.1).</summary>
    public TimeSpan NominationTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// When set (N &gt; 0), the controlling agent waits for a higher-priority pair only N round trips
    /// of the best valid pair (at least 2 Ta) after that pair's first check, rather than the whole
    /// <see cref="NominationTimeout"/>: a path like the valid one answers within a round trip or
    /// two, and behind a NAT the highest pairs (to the peer's private host addresses) never do, so
    /// the full wait would delay every such connection. Pairs not yet checked still get the whole
    /// timeout. 0 (the default) waits the whole timeout.
    /// </summary>
    public int NominationRoundTrips { get; init; }

    /// <summary>
    /// Send the controlling agent's USE-CANDIDATE check at once instead of at the next Ta slot.
    /// It goes to a pair that has just answered, so it probes no new path and adds no load worth
    /// pacing; it saves up to one Ta of setup time. RFC 8445 §6.1.4.2 paces every check, so this
    /// is off by default: for deployments between our own peers.
    /// </summary>
    public bool NominateWithoutPacing { get; init; }

    /// <summary>Mean interval of consent checks (RFC 7675 §5.1: 5 s, randomized ±20%).</summary>
    public TimeSpan ConsentInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>No consent response for this long: disconnected (may recover).</summary>
    public TimeSpan DisconnectedTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>No consent response for this long: consent expired, failed (RFC 7675 §5.1: 30 s).</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>When every pair has failed and the peer has not sent end-of-candidates, how long
    /// after its last candidate the agent still waits for more before failing (RFC 8838 §8).</summary>
    public TimeSpan EndOfCandidatesTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long after checking began (the peer's credentials arrived) the agent waits for a
    /// selected pair before it fails, even with checks still pending and no end-of-candidates from
    /// the peer (the seed's signaling has none). A path that works answers within a few round
    /// trips; ten seconds leaves room for slow TURN allocations and a loaded machine, and keeps the
    /// verdict within about 12 s of the offer. The failure reason names the likely cause
    /// (<see cref="IceDiagnostics.Diagnosis"/>).
    /// </summary>
    public TimeSpan CheckingTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Direct paths win: the controlling agent nominates a relayed pair (one with a relayed
    /// candidate on either side) only when no direct pair (host, server- or peer-reflexive on both
    /// sides) is still being checked, or this long after the first relayed pair became valid (at
    /// least <see cref="NominationTimeout"/> and three round trips of that pair). Direct pairs go on
    /// being checked after a relayed pair is selected; one that succeeds later replaces it (see
    /// the Ice README). Hole punching succeeds within a round trip of both sides sending, so the
    /// default costs a relayed connection 0.3 s at most.
    /// </summary>
    public TimeSpan DirectPathWait { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>A relayed candidate whose allocation is lost (the TURN server answered its Refresh
    /// with 437 after a restart, or the connection to it broke) is allocated again (RFC 8656 §7: a
    /// new Allocate) up to this many times, and the new relayed candidate trickled; 0: never.</summary>
    public int RelayReallocationAttempts { get; init; } = 3;

    /// <summary>Wait before the first re-allocation of a lost relayed candidate; doubled before
    /// each further attempt (a restarting server needs a moment).</summary>
    public TimeSpan RelayReallocationBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap on the checklist (RFC 8445 §6.1.2.5 suggests 100).</summary>
    public int MaxPairs { get; init; } = 100;

    /// <summary>Milestones and anomalies (event ids 2000-2099); everything is also in the event stream.</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    /// <summary>Fixed tie-breaker for tests; random when null (RFC 8445 §6.1.1: 64 bits).</summary>
    public ulong? TieBreaker { get; init; }

    /// <summary>Local credentials; generated when null (RFC 8445 §5.3).</summary>
    public RTCIceParameters? LocalParameters { get; init; }

    /// <summary>Checks every option (positive timers, consistent TCP and relay settings).</summary>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public IceAgentOptions Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(name, value, "Must be positive.");
        }
        Positive(Ta, nameof(Ta));
        Positive(CheckRto, nameof(CheckRto));
        Positive(MaxCheckRto, nameof(MaxCheckRto));
        Positive(StunRto, nameof(StunRto));
        Positive(ConsentInterval, nameof(ConsentInterval));
        Positive(DisconnectedTimeout, nameof(DisconnectedTimeout));
        Positive(ConsentTimeout, nameof(ConsentTimeout));
        Positive(EndOfCandidatesTimeout, nameof(EndOfCandidatesTimeout));
        Positive(CheckingTimeout, nameof(CheckingTimeout));
        Positive(MdnsTimeout, nameof(MdnsTimeout));
        if (MaxMdnsNames < 0) throw new ArgumentOutOfRangeException(nameof(MaxMdnsNames), MaxMdnsNames, "Must not be negative.");
        if (DirectPathWait < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(DirectPathWait), DirectPathWait, "Must not be negative.");
        if (NominationTimeout < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(NominationTimeout), NominationTimeout, "Must not be negative.");
        if (NominationRoundTrips < 0) throw new ArgumentOutOfRangeException(nameof(NominationRoundTrips), NominationRoundTrips, "Must not be negative.");
        if (MaxCheckRequests < 1) throw new ArgumentOutOfRangeException(nameof(MaxCheckRequests), MaxCheckRequests, "At least one request.");
        if (MaxStunRequests < 1) throw new ArgumentOutOfRangeException(nameof(MaxStunRequests), MaxStunRequests, "At least one request.");
        if (RelayReallocationAttempts < 0) throw new ArgumentOutOfRangeException(nameof(RelayReallocationAttempts), RelayReallocationAttempts, "Must not be negative.");
        if (RelayReallocationBackoff < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RelayReallocationBackoff), RelayReallocationBackoff, "Must not be negative.");
        if (MaxPairs < 1) throw new ArgumentOutOfRangeException(nameof(MaxPairs), MaxPairs, "At least one pair.");
        if (ConsentTimeout < DisconnectedTimeout) throw new ArgumentOutOfRangeException(nameof(ConsentTimeout), ConsentTimeout, "Must not be shorter than DisconnectedTimeout.");
        foreach (var server in IceServers)
        {
            if (!IceServerUri.TryParse(server, out _, out var error)) throw new ArgumentException($"IceServers: \"{server}\": {error}", nameof(IceServers));
        }
        LocalParameters?.Validate();
        return this;
    }
}

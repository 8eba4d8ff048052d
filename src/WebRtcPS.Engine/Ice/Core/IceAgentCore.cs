using System.Net;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// The ICE agent's protocol state machine (RFC 8445 full agent, one data stream, one component;
/// trickle RFC 8838, consent RFC 7675, restart, remote mDNS names), with no I/O, no threads, no
/// clock and no locks. Every entry point takes one input and the time it happens at (elapsed since
/// the agent began, as the caller counts it); what the input causes is left in the outputs for the
/// driver to take: <see cref="Datagrams"/> to send, <see cref="Events"/> to report,
/// <see cref="Requests"/> for I/O (sockets, relays, name resolution), <see cref="ValidatedRemotes"/>,
/// the published state and <see cref="NextDeadline"/>, when <see cref="Tick"/> is next due.
/// It must be called from one loop at a time (<see cref="IceAgent"/> provides that loop; tests
/// call it directly on a hand-moved clock).
/// </summary>
internal sealed partial class IceAgentCore
{
    private const int MaxHistory = 10_000;

    private readonly IceAgentOptions _options;
    private readonly DateTimeOffset _origin;
    private readonly IceRandom _random;
    private readonly ulong _tieBreaker;

    private readonly Dictionary<IceSocketId, LocalCandidate> _bases = [];
    private readonly List<LocalCandidate> _locals = [];
    private readonly List<RemoteCandidate> _remotes = [];
    private readonly List<RTCIceCandidate> _heldRemoteCandidates = [];
    private readonly List<CandidatePair> _pairs = [];
    private readonly LinkedList<CandidatePair> _triggered = new();
    private readonly Dictionary<StunTransactionId, IceTransaction> _transactions = [];
    private readonly List<IceEvent> _history = [];
    private readonly List<string> _internalErrors = [];

    private TimeSpan _now;
    private RTCIceParameters _local;
    private RTCIceParameters? _previousLocal;
    private RTCIceParameters? _remote;
    private byte[]? _remoteKey;
    private RTCIceRole _role;
    private RTCIceTransportState _state;
    private RTCIceGatheringState _gatheringState;
    private string _stateReason = "";
    private CandidatePair? _selected;
    private IceRoute? _route;
    private IceRoute? _earlyRoute;
    private IReadOnlyList<RTCIceCandidate> _localCandidatesView = [];
    private IReadOnlyList<RTCIceCandidate> _remoteCandidatesView = [];

    /// <param name="options">Configuration; validated here.</param>
    /// <param name="origin">Wall-clock time at elapsed zero: event timestamps are origin + elapsed.</param>
    /// <param name="seed">Null: cryptographic randomness; a value makes ids, credentials and jitter repeatable.</param>
    public IceAgentCore(IceAgentOptions options, DateTimeOffset origin, int? seed = null)
    {
        _options = options.Validate();
        _origin = origin;
        _random = new IceRandom(seed);
        _local = _options.LocalParameters ?? _random.NewParameters();
        _role = _options.Role;
        _tieBreaker = _options.TieBreaker ?? _random.NextUInt64();
    }

    // ---- outputs, taken (and cleared) by the driver after each input ----

    /// <summary>STUN messages to send.</summary>
    public List<IceDatagram> Datagrams { get; } = [];

    /// <summary>What happened, in order.</summary>
    public List<IceEvent> Events { get; } = [];

    /// <summary>I/O for the driver to perform; each names the input that answers it.</summary>
    public List<IceIoRequest> Requests { get; } = [];

    /// <summary>Peer addresses that proved they know the credentials (an authenticated check or a
    /// valid response): their non-STUN datagrams may be accepted (RFC 7983 demultiplexing), counted
    /// on the pair's traffic.</summary>
    public List<(IPEndPoint Remote, PairTraffic Traffic)> ValidatedRemotes { get; } = [];

    /// <summary>Set by a driver that handles inputs in batches and ends each with <see cref="Tick"/>:
    /// inputs then skip the service routine (retransmissions, the paced check, nomination, consent,
    /// state), which runs once per batch. Unset, every input is followed by it.</summary>
    public bool DeferService { get; set; }

    // ---- published state ----

    public RTCIceParameters LocalParameters => _local;
    public RTCIceParameters? RemoteParameters => _remote;
    public RTCIceTransportState State => _state;
    public RTCIceGatheringState GatheringState => _gatheringState;
    public RTCIceRole Role => _role;
    public ulong TieBreaker => _tieBreaker;

    /// <summary>Signalled local candidates (not peer-reflexive ones), with the current ufrag.</summary>
    public IReadOnlyList<RTCIceCandidate> LocalCandidates => _localCandidatesView;

    /// <summary>Remote candidates in use: signalled (resolved) and peer-reflexive ones.</summary>
    public IReadOnlyList<RTCIceCandidate> RemoteCandidates => _remoteCandidatesView;

    /// <summary>Where data goes: the selected pair, null until one is selected.</summary>
    public IceRoute? Route => _route;

    /// <summary>Where data may go before a pair is selected: the first valid pair of this ICE
    /// generation (its check succeeded, so the peer has consented, RFC 7675 §4), null once a pair is
    /// selected, and after a restart or close. DTLS starts on it: the controlled agent need not
    /// wait for the nomination, nor the controlling one for the nominating check's answer.</summary>
    public IceRoute? EarlyRoute => _earlyRoute;

    /// <summary>The time of the latest input.</summary>
    public TimeSpan Now => _now;

    // ---- inputs ----

    /// <summary>A timer tick: whatever is due at <paramref name="now"/> (see <see cref="NextDeadline"/>);
    /// with <see cref="DeferService"/>, the end of a batch of inputs.</summary>
    public void Tick(TimeSpan now)
    {
        Begin(now);
        if (_state != RTCIceTransportState.Closed) Service(_now);
    }

    /// <summary>W3C RTCIceTransport.stop(): no more checks, no more data.</summary>
    public void Close(TimeSpan now)
    {
        Begin(now);
        _transactions.Clear();
        _triggered.Clear();
        if (_route is { } route) route.Usable = false;
        DropEarlyRoute();
        SetState(RTCIceTransportState.Closed, "closed by the application");
    }

    /// <summary>A bug caught by the driver around an input: kept for the diagnostics.</summary>
    public void ReportInternalError(string error) => _internalErrors.Add(error);

    /// <summary>Every input starts here: time never goes back.</summary>
    private void Begin(TimeSpan now)
    {
        if (now > _now) _now = now;
    }

    /// <summary>Every input ends here: the service routine, unless the driver ticks once per batch.</summary>
    private void End()
    {
        if (!DeferService && _state != RTCIceTransportState.Closed) Service(_now);
    }

    /// <summary>Runs after every batch of inputs: retransmissions and timeouts, one paced check,
    /// nomination, consent, and the state that follows.</summary>
    private void Service(TimeSpan now)
    {
        ServiceTransactions(now);
        ExpireMdnsLookups(now);
        if (now >= _nextCheckAt && SendNextCheck(now)) _nextCheckAt = now + _options.Ta;
        TryNominate(now);
        ServiceConsent(now);
        UpdateState(now);
    }

    /// <summary>The earliest time <see cref="Tick"/> has something to do; null when nothing is
    /// pending (then no timer need run).</summary>
    public TimeSpan? NextDeadline
    {
        get
        {
            if (_state == RTCIceTransportState.Closed) return null;
            var now = _now;
            TimeSpan? next = null;
            void Consider(TimeSpan at) => next = next is { } n && n <= at ? n : at;

            foreach (var t in _transactions.Values) Consider(t.NextAt);
            if (_remote is not null && HasCheckWork()) Consider(_nextCheckAt);
            if (NominationDeadline(now) is { } nominateAt) Consider(nominateAt);
            if (MdnsDeadline() is { } mdns) Consider(mdns);
            if (ConsentDeadlines() is { } consent)
            {
                Consider(consent.Check);
                Consider(consent.Expiry);
            }
            if (_selected is null && _checkingSince is not null && _state == RTCIceTransportState.Checking)
            {
                // Only while it lies ahead: once passed, failure waits on the pairs, not the clock.
                var giveUp = _lastRemoteActivity + _options.EndOfCandidatesTimeout;
                if (giveUp > now) Consider(giveUp);
                var verdict = _checkingSince.Value + _options.CheckingTimeout;
                if (verdict > now) Consider(verdict);
            }
            return next;
        }
    }

    private DateTimeOffset Stamp => _origin + _now;

    private void Send(IceSocketId socket, byte[] data, IPEndPoint to) => Datagrams.Add(new IceDatagram(socket, data, to));

    private void Validated(IPEndPoint remote, PairTraffic traffic) => ValidatedRemotes.Add((remote, traffic));

    private void Emit(IceEvent e)
    {
        if (_history.Count < MaxHistory) _history.Add(e);
        Events.Add(e);
    }
}

using System.Net;

namespace WebRtcPS.Engine.Ice;

// Loop-owned state, the periodic service routine, the W3C state machine and consent freshness.
public sealed partial class IceAgent
{
    private const int MaxHistory = 10_000;

    private readonly List<IIcePacketSocket> _sockets = [];
    private readonly List<LocalCandidate> _locals = [];
    private readonly List<RemoteCandidate> _remotes = [];
    private readonly List<RTCIceCandidate> _heldRemoteCandidates = [];
    private readonly List<CandidatePair> _pairs = [];
    private readonly LinkedList<CandidatePair> _triggered = new();
    private readonly Dictionary<Stun.StunTransactionId, IceTransaction> _transactions = [];
    private readonly List<IceEvent> _history = [];
    private readonly List<string> _internalErrors = [];
    private readonly List<StateWaiter> _waiters = [];

    private RTCIceParameters _local;
    private RTCIceParameters? _previousLocal;
    private RTCIceParameters? _remote;
    private byte[]? _remoteKey;
    private RTCIceRole _role;
    private RTCIceTransportState _state;
    private RTCIceGatheringState _gatheringState;
    private int _pendingGather;
    private int _pendingResolutions;
    private int _generation;
    private bool _remoteEndOfCandidates;
    private bool _restarting;
    private TimeSpan? _checkingSince;
    private TimeSpan _lastRemoteActivity;
    private TimeSpan? _firstValidAt;
    private TimeSpan _nextCheckAt;
    private CandidatePair? _nominating;
    private CandidatePair? _selected;
    private TimeSpan _lastConsentAt;
    private TimeSpan _nextConsentAt;
    private string _stateReason = "";

    /// <summary>Runs after every batch of inputs: retransmissions and timeouts, one paced check,
    /// nomination, consent, and the state that follows.</summary>
    private void Service(TimeSpan now)
    {
        ServiceTransactions(now);
        if (now >= _nextCheckAt && SendNextCheck(now)) _nextCheckAt = now + _options.Ta;
        TryNominate(now);
        ServiceConsent(now);
        UpdateState(now);
    }

    /// <summary>The earliest time <see cref="Service"/> has something to do.</summary>
    private TimeSpan? NextDeadline()
    {
        var now = Now;
        TimeSpan? next = null;
        void Consider(TimeSpan at) => next = next is { } n && n <= at ? n : at;

        foreach (var t in _transactions.Values) Consider(t.NextAt);
        if (_remote is not null && HasCheckWork()) Consider(_nextCheckAt);
        if (_role == RTCIceRole.Controlling && _nominating is null && (_selected is null || _restarting) && _firstValidAt is { } first && now < first + _options.NominationTimeout)
            Consider(first + _options.NominationTimeout);
        if (_selected is not null && !_restarting && _state is not (RTCIceTransportState.Failed or RTCIceTransportState.Closed))
        {
            Consider(_nextConsentAt);
            Consider(_lastConsentAt + (_state == RTCIceTransportState.Disconnected ? _options.ConsentTimeout : _options.DisconnectedTimeout));
        }
        if (_selected is null && _checkingSince is not null && _state == RTCIceTransportState.Checking)
        {
            // Only while it lies ahead: once passed, failure waits on the pairs, not the clock.
            var giveUp = _lastRemoteActivity + _options.EndOfCandidatesTimeout;
            if (giveUp > now) Consider(giveUp);
        }
        return next;
    }

    private void UpdateState(TimeSpan now)
    {
        if (_state is RTCIceTransportState.Closed or RTCIceTransportState.Failed) return;
        if (_selected is not null)
        {
            var silent = now - _lastConsentAt;
            if (!_restarting && silent >= _options.ConsentTimeout)
            {
                // RFC 7675 §5.1: consent expired; no more data on this pair.
                if (_route is { } route) route.Usable = false;
                SetState(RTCIceTransportState.Failed, $"consent expired: no response on the selected pair for {silent.TotalMilliseconds:0} ms");
                return;
            }
            if (!_restarting && silent >= _options.DisconnectedTimeout)
            {
                SetState(RTCIceTransportState.Disconnected, $"no consent response for {silent.TotalMilliseconds:0} ms");
                return;
            }
            bool done = _remoteEndOfCandidates && _gatheringState == RTCIceGatheringState.Complete && !_restarting;
            SetState(done ? RTCIceTransportState.Completed : RTCIceTransportState.Connected,
                     done ? "selected pair up, end-of-candidates from both sides" : "a pair is selected");
            return;
        }
        if (_checkingSince is null) return;
        bool pending = _pairs.Any(p => p.State is RTCIceCandidatePairState.Frozen or RTCIceCandidatePairState.Waiting or RTCIceCandidatePairState.InProgress || p.Valid)
                       || _triggered.Count > 0 || _pendingResolutions > 0;
        if (!pending)
        {
            bool remoteDone = _remoteEndOfCandidates || now >= _lastRemoteActivity + _options.EndOfCandidatesTimeout;
            if (remoteDone && _gatheringState == RTCIceGatheringState.Complete)
            {
                var why = _pairs.Count == 0
                    ? "no candidate pairs could be formed"
                    : $"all {_pairs.Count} candidate pair(s) failed";
                why += _remoteEndOfCandidates ? " after the peer's end-of-candidates" : $" and no remote candidate for {_options.EndOfCandidatesTimeout.TotalMilliseconds:0} ms";
                SetState(RTCIceTransportState.Failed, why);
                return;
            }
        }
        SetState(RTCIceTransportState.Checking, "checking candidate pairs");
    }

    private void SetState(RTCIceTransportState state, string reason)
    {
        if (_state == state) return;
        var old = _state;
        _state = state;
        _stateReason = reason;
        _publishedState = state;
        Emit(new IceStateChangedEvent(Stamp, Now, old, state, reason));
        for (int i = _waiters.Count - 1; i >= 0; i--)
        {
            if (!_waiters[i].Condition(state)) continue;
            _waiters[i].Completion.TrySetResult(state);
            _waiters.RemoveAt(i);
        }
    }

    private void AddWaiter(StateWaiter waiter)
    {
        if (waiter.Condition(_state))
        {
            waiter.Completion.TrySetResult(_state);
            return;
        }
        if (waiter.CancellationToken.CanBeCanceled)
        {
            waiter.CancellationToken.Register(() =>
            {
                if (waiter.Completion.TrySetCanceled(waiter.CancellationToken)) _inputs.Writer.TryWrite(new Command(() => _waiters.Remove(waiter)));
            });
        }
        _waiters.Add(waiter);
    }

    private void SetGatheringState(RTCIceGatheringState state)
    {
        if (_gatheringState == state) return;
        _gatheringState = state;
        _publishedGatheringState = state;
        Emit(new IceGatheringStateChangedEvent(Stamp, Now, state));
    }

    private void SwitchRole(RTCIceRole role, string reason)
    {
        if (_role == role) return;
        var old = _role;
        _role = role;
        _publishedRole = role;
        foreach (var pair in _pairs) pair.Priority = CandidatePairPriority.Compute(_role, pair.Local.Candidate.Priority, pair.Remote.Candidate.Priority);
        if (role == RTCIceRole.Controlled)
        {
            _nominating = null;
            foreach (var pair in _pairs) pair.UseCandidateNext = false;
        }
        Emit(new IceRoleChangedEvent(Stamp, Now, old, role, reason));
    }

    private void Select(CandidatePair pair, TimeSpan now)
    {
        if (ReferenceEquals(_selected, pair)) return;
        _selected = pair;
        _restarting = false;
        _previousLocal = null;
        _lastConsentAt = now;
        _nextConsentAt = now + JitteredConsentInterval();
        _knownRemotes[pair.Remote.EndPoint] = pair.Traffic;
        if (_route is { } old) old.Usable = false;
        _route = new SelectedRoute(pair.Local.Socket, pair.Remote.EndPoint, pair.Traffic, pair.Snapshot);
        // ICE processing for the checklist ends with a nominated pair (RFC 8445 §8.1.2): stop
        // retransmitting other checks; their responses are still taken.
        foreach (var t in _transactions.Values)
        {
            if (t.Kind == IceTransactionKind.Check && !ReferenceEquals(t.Pair, pair)) t.Cancelled = true;
        }
        Emit(new IceSelectedCandidatePairChangedEvent(Stamp, now, pair.Snapshot));
    }

    /// <summary>RFC 7675 §5.1: a consent check every interval, randomized to 0.8-1.2 of it.</summary>
    private TimeSpan JitteredConsentInterval() => _options.ConsentInterval * (0.8 + 0.4 * _random.NextDouble());

    private void ServiceConsent(TimeSpan now)
    {
        if (_selected is null || _restarting || _remoteKey is null) return;
        if (_state is RTCIceTransportState.Failed or RTCIceTransportState.Closed) return;
        if (now < _nextConsentAt) return;
        _nextConsentAt = now + JitteredConsentInterval();
        SendCheck(_selected, now, triggered: false, IceTransactionKind.Consent);
    }

    private void CloseOnLoop()
    {
        _transactions.Clear();
        _triggered.Clear();
        if (_route is { } route) route.Usable = false;
        SetState(RTCIceTransportState.Closed, "closed by the application");
    }

    private RTCIceParameters DoRestart()
    {
        if (_state == RTCIceTransportState.Closed) throw new ObjectDisposedException(nameof(IceAgent));
        var now = Now;
        _generation++;
        _previousLocal = _selected is not null ? _local : null;
        _local = RTCIceParameters.Generate();
        _publishedLocal = _local;
        _remote = null;
        _publishedRemote = null;
        _remoteKey = null;
        foreach (var id in _transactions.Where(kv => kv.Value.Kind != IceTransactionKind.Gather).Select(kv => kv.Key).ToList()) _transactions.Remove(id);
        _pairs.Clear();
        _triggered.Clear();
        _remotes.Clear();
        PublishRemoteCandidates();
        _remoteEndOfCandidates = false;
        _nominating = null;
        _firstValidAt = null;
        _checkingSince = null;
        _restarting = _selected is not null && _state != RTCIceTransportState.Failed;
        if (!_restarting)
        {
            _selected = null;
            if (_route is { } route) route.Usable = false;
            _route = null;
            // Failed is left only this way (W3C: a restart is the way out).
            var old = _state;
            _state = RTCIceTransportState.New;
            _publishedState = _state;
            if (old != RTCIceTransportState.New) Emit(new IceStateChangedEvent(Stamp, now, old, RTCIceTransportState.New, "ICE restart"));
        }
        Emit(new IceRestartEvent(Stamp, now, _local.UsernameFragment));

        // Announce the same candidates again under the new ufrag (RFC 8445 §9 allows reuse).
        _locals.RemoveAll(l => l.Candidate.Type == RTCIceCandidateType.Prflx);
        if (_gatheringState != RTCIceGatheringState.New)
        {
            _gatheringState = RTCIceGatheringState.New;
            SetGatheringState(RTCIceGatheringState.Gathering);
            foreach (var local in _locals)
            {
                local.Candidate = local.Candidate with { UsernameFragment = _local.UsernameFragment };
                Emit(new IceCandidateGatheredEvent(Stamp, now, local.Candidate, local.Url));
            }
            PublishLocalCandidates();
            MaybeCompleteGathering();
        }
        return _local;
    }
}

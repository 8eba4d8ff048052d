namespace WebRtcPS.Engine.Ice;

// ICE restart (RFC 8445 §9): new local credentials and a new checklist, while the selected pair
// keeps carrying data until the new generation selects one.
internal sealed partial class IceAgentCore
{
    /// <summary>A selected pair is kept over a restart: data still flows on it, requests with the
    /// old ufrag are still answered, consent checks pause, until a new pair is selected.</summary>
    private bool _restarting;

    /// <summary>Restarts ICE and returns the new local credentials to signal.</summary>
    /// <exception cref="ObjectDisposedException">The agent is closed.</exception>
    public RTCIceParameters Restart(TimeSpan now)
    {
        Begin(now);
        try
        {
            return DoRestart();
        }
        finally
        {
            End();
        }
    }

    private RTCIceParameters DoRestart()
    {
        ObjectDisposedException.ThrowIf(_state == RTCIceTransportState.Closed, typeof(IceAgent));
        var now = _now;
        _previousLocal = _selected is not null ? _local : null;
        _local = _random.NewParameters();
        _remote = null;
        _remoteKey = null;
        foreach (var id in _transactions.Where(kv => kv.Value.Kind != IceTransactionKind.Gather).Select(kv => kv.Key).ToList()) _transactions.Remove(id);
        _pairs.Clear();
        _triggered.Clear();
        _remotes.Clear();
        PublishRemoteCandidates();
        // Names still resolving belong to the old generation: their answers are ignored.
        _mdnsLookups.Clear();
        _mdnsResolved.Clear();
        _mdnsUnresolved.Clear();
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
            DropEarlyRoute();
            // Failed is left only this way (W3C: a restart is the way out).
            var old = _state;
            _state = RTCIceTransportState.New;
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

namespace WebRtcPS.Engine.Ice;

// The W3C RTCIceTransportState machine (with RFC 8445 §8 completion and RFC 7675 consent
// expiry), the gathering state, and the role.
internal sealed partial class IceAgentCore
{
    private TimeSpan? _checkingSince;
    private TimeSpan _lastRemoteActivity;

    /// <summary>Where the checks, the selected pair and consent leave the W3C state: connected
    /// or completed with a selected pair (disconnected, then failed, without consent); failed
    /// once nothing is left to try and neither side can bring new candidates; checking otherwise.</summary>
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
        if (_checkingSince is not { } since) return;
        if (now >= since + _options.CheckingTimeout)
        {
            // The seed's signaling sends no end-of-candidates: a bounded wait gives the verdict.
            var valid = _pairs.Count(p => p.Valid);
            var why = valid > 0
                ? $"no pair selected within {_options.CheckingTimeout.TotalSeconds:0.#} s of checking ({valid} pair(s) succeeded but none was nominated)"
                : $"no candidate pair succeeded within {_options.CheckingTimeout.TotalSeconds:0.#} s of checking ({_pairs.Count} pair(s) tried)";
            Fail(why);
            return;
        }
        bool pending = _pairs.Any(p => p.State is RTCIceCandidatePairState.Frozen or RTCIceCandidatePairState.Waiting or RTCIceCandidatePairState.InProgress || p.Valid)
                       || _triggered.Count > 0 || _mdnsLookups.Count > 0;
        if (!pending)
        {
            // RFC 8838 §8: failed only when the peer can bring no more candidates (its
            // end-of-candidates, or none for EndOfCandidatesTimeout) and our gathering is over.
            bool remoteDone = _remoteEndOfCandidates || now >= _lastRemoteActivity + _options.EndOfCandidatesTimeout;
            if (remoteDone && _gatheringState == RTCIceGatheringState.Complete)
            {
                var why = _pairs.Count == 0
                    ? "no candidate pairs could be formed"
                    : $"all {_pairs.Count} candidate pair(s) failed";
                why += _remoteEndOfCandidates ? " after the peer's end-of-candidates" : $" and no remote candidate for {_options.EndOfCandidatesTimeout.TotalMilliseconds:0} ms";
                Fail(why);
                return;
            }
        }
        SetState(RTCIceTransportState.Checking, "checking candidate pairs");
    }

    /// <summary>Failed before any pair was selected: the reason ends with the likely cause, found
    /// from what was learned (<see cref="IceFailureDiagnosis"/>).</summary>
    private void Fail(string why)
    {
        var cause = BuildDiagnostics().Diagnosis;
        SetState(RTCIceTransportState.Failed, cause is null ? why : $"{why}. Likely cause: {cause}");
    }

    private void SetState(RTCIceTransportState state, string reason)
    {
        if (_state == state) return;
        var old = _state;
        _state = state;
        _stateReason = reason;
        if (state is RTCIceTransportState.Failed or RTCIceTransportState.Closed) DropEarlyRoute();
        Emit(new IceStateChangedEvent(Stamp, _now, old, state, reason));
    }

    private void SetGatheringState(RTCIceGatheringState state)
    {
        if (_gatheringState == state) return;
        _gatheringState = state;
        Emit(new IceGatheringStateChangedEvent(Stamp, _now, state));
    }

    /// <summary>A role conflict's outcome (RFC 8445 §7.3.1.1, §7.2.5.1): pair priorities follow the
    /// role (§6.1.2.3); a controlled agent nominates nothing.</summary>
    private void SwitchRole(RTCIceRole role, string reason)
    {
        if (_role == role) return;
        var old = _role;
        _role = role;
        foreach (var pair in _pairs) pair.Priority = CandidatePairPriority.Compute(_role, pair.Local.Candidate.Priority, pair.Remote.Candidate.Priority);
        if (role == RTCIceRole.Controlled)
        {
            _nominating = null;
            foreach (var pair in _pairs) pair.UseCandidateNext = false;
        }
        Emit(new IceRoleChangedEvent(Stamp, _now, old, role, reason));
    }
}

namespace WebRtcPS.Engine.Ice;

// Nomination (RFC 8445 §8.1): regular nomination by the controlling agent, USE-CANDIDATE honoured
// by the controlled one, and the selected pair that follows.
internal sealed partial class IceAgentCore
{
    private CandidatePair? _nominating;
    private TimeSpan? _firstValidAt;

    /// <summary>Controlling, regular nomination: once the best valid pair has no
    /// higher-priority pair still being checked (or <see cref="IceAgentOptions.NominationTimeout"/>
    /// after the first valid pair), check it again with USE-CANDIDATE.</summary>
    private void TryNominate(TimeSpan now)
    {
        if (_role != RTCIceRole.Controlling || _nominating is not null || _remote is null) return;
        if (_selected is not null && !_restarting) return;
        CandidatePair? best = null;
        foreach (var p in _pairs)
        {
            if (p.Valid && (best is null || p.Priority > best.Priority)) best = p;
        }
        if (best is null) return;
        bool higherPending = _pairs.Any(p => p.Priority > best.Priority && p.State is RTCIceCandidatePairState.Waiting or RTCIceCandidatePairState.InProgress or RTCIceCandidatePairState.Frozen);
        if (higherPending && now < (_firstValidAt ?? now) + _options.NominationTimeout) return;
        _nominating = best;
        best.UseCandidateNext = true;
        _triggered.Remove(best);
        if (_options.NominateWithoutPacing)
        {
            SendCheck(best, now, triggered: true, IceTransactionKind.Check);
            return;
        }
        // Ahead of other triggered checks, still paced by Ta.
        _triggered.AddFirst(best);
    }

    /// <summary>When the controlling agent stops waiting for higher-priority pairs, if it waits.</summary>
    private TimeSpan? NominationDeadline(TimeSpan now)
    {
        if (_role != RTCIceRole.Controlling || _nominating is not null || (_selected is not null && !_restarting)) return null;
        if (_firstValidAt is not { } first) return null;
        var at = first + _options.NominationTimeout;
        return now < at ? at : null;
    }

    private void Nominate(CandidatePair pair, TimeSpan now)
    {
        pair.NominateOnSuccess = false;
        if (!pair.Nominated)
        {
            pair.Nominated = true;
            Emit(new IcePairNominatedEvent(Stamp, now, pair.Snapshot));
        }
        // Controlled: the highest-priority nominated pair wins (§8.1.1); a pair of the current
        // generation always replaces one kept over a restart.
        if (_selected is null || _restarting || !_pairs.Contains(_selected) || pair.Priority > _selected.Priority || _role == RTCIceRole.Controlling)
            Select(pair, now);
    }

    private void Select(CandidatePair pair, TimeSpan now)
    {
        if (ReferenceEquals(_selected, pair)) return;
        _selected = pair;
        _restarting = false;
        _previousLocal = null;
        StartConsent(now);
        Validated(pair.Remote.EndPoint, pair.Traffic);
        if (_route is { } old) old.Usable = false;
        _route = new IceRoute(pair.Local.Socket, pair.Remote.EndPoint, pair.Traffic, pair.Snapshot);
        // ICE processing for the checklist ends with a nominated pair (RFC 8445 §8.1.2): stop
        // retransmitting other checks; their responses are still taken.
        foreach (var t in _transactions.Values)
        {
            if (t.Kind == IceTransactionKind.Check && !ReferenceEquals(t.Pair, pair)) t.Cancelled = true;
        }
        Emit(new IceSelectedCandidatePairChangedEvent(Stamp, now, pair.Snapshot));
    }
}

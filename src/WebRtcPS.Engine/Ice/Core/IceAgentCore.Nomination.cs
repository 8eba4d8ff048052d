namespace WebRtcPS.Engine.Ice;

// Nomination (RFC 8445 §8.1): regular nomination by the controlling agent, USE-CANDIDATE honoured
// by the controlled one, and the selected pair that follows. Fewer relays win: a pair with relays
// on its path is nominated only once no pair with fewer relays is still being checked, or
// DirectPathWait after the first valid pair; such a pair that succeeds after the other was
// selected replaces it.
internal sealed partial class IceAgentCore
{
    private CandidatePair? _nominating;
    private TimeSpan? _firstValidAt;

    /// <summary>Controlling, regular nomination: once the best valid pair has no
    /// higher-priority pair still being checked (or <see cref="IceAgentOptions.NominationTimeout"/>
    /// after the first valid pair), and no pair with fewer relays either (or
    /// <see cref="IceAgentOptions.DirectPathWait"/>), check it again with USE-CANDIDATE. With a
    /// relayed pair selected, a valid pair with fewer relays is nominated the same way.</summary>
    private void TryNominate(TimeSpan now)
    {
        if (_role != RTCIceRole.Controlling || _nominating is not null || _remote is null) return;
        bool selected = _selected is not null && !_restarting;
        // A selected pair whose relayed candidate is lost is replaced by any other valid pair.
        var best = selected && SelectedLost ? BestValid(int.MaxValue, except: _selected) : BestValid(selected ? _selected!.Relays : int.MaxValue);
        if (best is null) return;
        if (selected)
        {
            // Beyond RFC 8445 §8.1.1 (one nomination per session without a restart): the pair with
            // fewer relays replaces the selected one; controlled agents that take the
            // highest-priority nominated pair (§8.1.1), as ours and pion's do, follow.
            if (!_pairs.Contains(_selected!)) return;
        }
        else if (NominationDeadline(now) is not null)
        {
            return;
        }
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

    /// <summary>The highest-priority valid pair with fewer than <paramref name="relaysBelow"/> relays.</summary>
    private CandidatePair? BestValid(int relaysBelow, CandidatePair? except = null)
    {
        CandidatePair? best = null;
        foreach (var p in _pairs)
        {
            if (p.Valid && p.Relays < relaysBelow && !ReferenceEquals(p, except) && (best is null || p.Priority > best.Priority)) best = p;
        }
        return best;
    }

    /// <summary>While the controlling agent holds back its first nomination: when it stops waiting
    /// (for higher-priority pairs, or for pairs with fewer relays than the best valid one); null
    /// when it need not wait.</summary>
    private TimeSpan? NominationDeadline(TimeSpan now)
    {
        if (_role != RTCIceRole.Controlling || _nominating is not null || (_selected is not null && !_restarting)) return null;
        if (_firstValidAt is not { } first || BestValid(int.MaxValue) is not { } best) return null;
        TimeSpan? until = null;
        if (_pairs.Any(p => p.Priority > best.Priority && p.IsPending)) until = HigherPairsDeadline(first, best);
        if (best.Relays > 0 && _pairs.Any(p => p.Relays < best.Relays && p.IsPending))
        {
            // Pairs with fewer relays still being checked get DirectPathWait, and at least three
            // round trips of the best path.
            var wait = Max(Max(_options.DirectPathWait, _options.NominationTimeout), (best.CurrentRoundTripTime ?? TimeSpan.Zero) * 3);
            until = first + wait;
        }
        return until is { } at && now < at ? at : null;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>How long higher-priority pairs still being checked hold the nomination back:
    /// <see cref="IceAgentOptions.NominationTimeout"/> after the first valid pair, or, with
    /// <see cref="IceAgentOptions.NominationRoundTrips"/>, until each has had that many round trips
    /// of the best pair since its first check (a pair not yet checked keeps the whole timeout).</summary>
    private TimeSpan HigherPairsDeadline(TimeSpan first, CandidatePair best)
    {
        var timeout = first + _options.NominationTimeout;
        if (_options.NominationRoundTrips == 0 || best.CurrentRoundTripTime is not { } rtt) return timeout;
        var wait = Max(rtt * _options.NominationRoundTrips, _options.Ta * 2);
        var latest = first;
        foreach (var p in _pairs)
        {
            if (p.Priority <= best.Priority || !p.IsPending) continue;
            if (p.FirstCheckAt is not { } sent) return timeout;
            if (sent + wait > latest) latest = sent + wait;
        }
        return latest < timeout ? latest : timeout;
    }

    /// <summary>A pair with relays answered: the relays now hold permissions for the peer and the
    /// NATs have state toward them, which a first check on a pair with fewer relays may have
    /// lacked (a permission is made by the owner's first send, RFC 8656 §9). Such pairs still
    /// being checked are checked again now, once, rather than at their next retransmission.</summary>
    private void RecheckPairsWithFewerRelays(CandidatePair valid)
    {
        if (valid.Relays == 0) return;
        foreach (var p in _pairs.Where(p => p.IsPending && !p.Rechecked && p.Relays < valid.Relays).OrderByDescending(p => p.Priority))
        {
            p.Rechecked = true;
            if (p.Transaction is { } inProgress) inProgress.Cancelled = true;
            SetPairState(p, RTCIceCandidatePairState.Waiting);
            EnqueueTriggered(p);
        }
    }

    private void Nominate(CandidatePair pair, TimeSpan now)
    {
        pair.NominateOnSuccess = false;
        if (!pair.Nominated)
        {
            pair.Nominated = true;
            Emit(new IcePairNominatedEvent(Stamp, now, pair.Snapshot));
        }
        // Controlled: the highest-priority nominated pair wins (§8.1.1), the latest of equal ones
        // (the peer moved off a lost relayed candidate onto its re-allocation, which has the same
        // priority); a pair of the current generation always replaces one kept over a restart.
        if (_selected is null || _restarting || !_pairs.Contains(_selected) || pair.Priority >= _selected.Priority || SelectedLost || _role == RTCIceRole.Controlling)
            Select(pair, now);
    }

    private void Select(CandidatePair pair, TimeSpan now)
    {
        if (ReferenceEquals(_nominating, pair)) _nominating = null;
        if (ReferenceEquals(_selected, pair)) return;
        _selected = pair;
        _restarting = false;
        _previousLocal = null;
        StartConsent(now);
        Validated(pair.Remote.EndPoint, pair.Traffic);
        if (_route is { } old) old.Usable = false;
        DropEarlyRoute();
        _route = new IceRoute(pair.Local.Socket, pair.Remote.EndPoint, pair.Traffic, pair.Snapshot);
        // ICE processing for the checklist ends with a nominated pair (RFC 8445 §8.1.2): stop
        // retransmitting other checks; their responses are still taken. Pairs with fewer relays
        // than the selected one go on (ChecksGoOnBelow).
        foreach (var t in _transactions.Values)
        {
            if (t.Kind == IceTransactionKind.Check && !ReferenceEquals(t.Pair, pair) && !(t.Pair is { } other && other.Relays < pair.Relays)) t.Cancelled = true;
        }
        Emit(new IceSelectedCandidatePairChangedEvent(Stamp, now, pair.Snapshot));
    }

    /// <summary>The early route ends with a selected pair, a restart or close.</summary>
    private void DropEarlyRoute()
    {
        if (_earlyRoute is { } early) early.Usable = false;
        _earlyRoute = null;
    }

    /// <summary>The selected pair's remote candidate changed in place (peer-reflexive, then
    /// signalled): the same route and traffic, described anew for getSelectedCandidatePair and
    /// the selectedcandidatepairchange event.</summary>
    private void Reselected(CandidatePair pair)
    {
        if (_route is { } route && route.Socket == pair.Local.Socket && route.Remote.Equals(pair.Remote.EndPoint))
            route.Pair = pair.Snapshot;
        Emit(new IceSelectedCandidatePairChangedEvent(Stamp, _now, pair.Snapshot));
    }

    /// <summary>After selection, ordinary checks go on only on pairs with fewer relays than the
    /// selected one (none when it is direct): both sides must keep sending for a hole to open.
    /// Once the selected pair's relayed candidate is lost, every pair is checked again.</summary>
    private int ChecksGoOnBelow => _selected is { } s && !_restarting && !SelectedLost ? s.Relays : int.MaxValue;
}

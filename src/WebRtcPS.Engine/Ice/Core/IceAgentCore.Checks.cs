using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Ice;

// Sending connectivity checks (RFC 8445 §6.1.4, §7.2.4): one per Ta, triggered ones first; and
// the Binding transactions every request of the agent runs in (RFC 8489 §6.2.1 retransmissions,
// driven by the service routine rather than timers of their own).
internal sealed partial class IceAgentCore
{
    private TimeSpan _nextCheckAt;

    private bool HasCheckWork()
    {
        if (_triggered.Count > 0) return true;
        int below = ChecksGoOnBelow;
        // What SendNextCheck could send: a Waiting pair, or a Frozen one it would unfreeze.
        return _pairs.Any(p => p.Relays < below &&
                               (p.State == RTCIceCandidatePairState.Waiting ||
                                (p.State == RTCIceCandidatePairState.Frozen && !_pairs.Any(o => o.Foundation == p.Foundation && o.State == RTCIceCandidatePairState.InProgress))));
    }

    /// <summary>One check per Ta: a triggered one first, else the highest-priority Waiting pair,
    /// else unfreeze (§6.1.4.2). Ordinary checks end once a pair is selected (§8.1.2), except on
    /// pairs with fewer relays than the selected one (fewer relays win).</summary>
    private bool SendNextCheck(TimeSpan now)
    {
        if (_remote is null || _remoteKey is null) return false;
        while (_triggered.First is { } node)
        {
            _triggered.RemoveFirst();
            var pair = node.Value;
            if (!_pairs.Contains(pair)) continue;
            if (pair.State == RTCIceCandidatePairState.Succeeded && !pair.UseCandidateNext) continue;
            if (pair.State == RTCIceCandidatePairState.InProgress && pair.Transaction is { Cancelled: false }) continue;
            SendCheck(pair, now, triggered: true, IceTransactionKind.Check);
            return true;
        }
        int below = ChecksGoOnBelow;

        var next = HighestWaiting(below);
        if (next is null)
        {
            foreach (var frozen in _pairs.Where(p => p.State == RTCIceCandidatePairState.Frozen && p.Relays < below).OrderByDescending(p => p.Priority).ToList())
            {
                var foundation = frozen.Foundation;
                if (!_pairs.Any(p => p.Foundation == foundation && p.State is RTCIceCandidatePairState.Waiting or RTCIceCandidatePairState.InProgress))
                    SetPairState(frozen, RTCIceCandidatePairState.Waiting);
            }
            next = HighestWaiting(below);
        }
        if (next is null) return false;
        SendCheck(next, now, triggered: false, IceTransactionKind.Check);
        return true;
    }

    /// <summary>A Binding request on <paramref name="pair"/> (RFC 8445 §7.1): USERNAME
    /// "their:our", PRIORITY as a peer-reflexive candidate of ours, the role with our
    /// tie-breaker, USE-CANDIDATE when nominating, MESSAGE-INTEGRITY with their password, FINGERPRINT.</summary>
    private void SendCheck(CandidatePair pair, TimeSpan now, bool triggered, IceTransactionKind kind)
    {
        var id = _random.NewTransactionId();
        bool useCandidate = kind == IceTransactionKind.Check && pair.UseCandidateNext && _role == RTCIceRole.Controlling;
        if (kind == IceTransactionKind.Check) pair.UseCandidateNext = false;
        var priority = new CandidatePriority(CandidatePriority.PeerReflexiveTypePreference, pair.Local.Candidate.PriorityParts.LocalPreference, 1).Value;

        var builder = new StunMessageBuilder(StunMessageType.BindingRequest, id);
        builder.Add(new Username($"{_remote!.UsernameFragment}:{_local.UsernameFragment}"));
        builder.Add(new Priority(priority));
        if (_role == RTCIceRole.Controlling) builder.Add(new IceControlling(_tieBreaker));
        else builder.Add(new IceControlled(_tieBreaker));
        if (useCandidate) builder.Add(new UseCandidate());
        builder.AddMessageIntegrity(_remoteKey!);
        builder.AddFingerprint();

        // RTO (RFC 8445 §14.3): at least Ta × pairs being checked, and at least the configured floor.
        int active = _pairs.Count(p => p.State is RTCIceCandidatePairState.Waiting or RTCIceCandidatePairState.InProgress);
        var rto = _options.Ta * Math.Max(1, active);
        if (rto < _options.CheckRto) rto = _options.CheckRto;
        if (kind == IceTransactionKind.Consent) rto = Min(_options.CheckRto, _options.ConsentInterval / 2);

        var transaction = new IceTransaction
        {
            Id = id,
            Kind = kind,
            Request = builder.ToArray(),
            Socket = pair.Local.Socket,
            Destination = pair.Remote.EndPoint,
            MaxRequests = kind == IceTransactionKind.Consent ? Math.Min(3, _options.MaxCheckRequests) : _options.MaxCheckRequests,
            MaxRto = kind == IceTransactionKind.Consent ? _options.ConsentInterval : _options.MaxCheckRto,
            Rto = rto,
            Pair = pair,
            ResponseKey = _remoteKey,
            UseCandidate = useCandidate,
            Triggered = triggered,
            PrioritySent = priority,
            RoleSent = _role,
        };
        StartTransaction(transaction, now);
        if (kind == IceTransactionKind.Check)
        {
            pair.FirstCheckAt ??= now;
            if (pair.Transaction is { } previous) previous.Cancelled = true;
            pair.Transaction = transaction;
            if (pair.State != RTCIceCandidatePairState.Succeeded) SetPairState(pair, RTCIceCandidatePairState.InProgress);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private void StartTransaction(IceTransaction t, TimeSpan now)
    {
        _transactions[t.Id] = t;
        t.FirstSentAt = now;
        TransmitTransaction(t, now);
    }

    private void TransmitTransaction(IceTransaction t, TimeSpan now)
    {
        t.Sent++;
        t.LastSentAt = now;
        if (t.Sent > 1) t.Rto = Min(t.Rto * 2, t.MaxRto);
        t.NextAt = now + t.Rto;
        Send(t.Socket, t.Request, t.Destination);
        if (t.Pair is { } pair)
        {
            pair.RequestsSent++;
            if (t.Kind == IceTransactionKind.Consent) pair.ConsentRequestsSent++;
            Emit(new IceCheckSentEvent(Stamp, now, pair.Snapshot, t.Id.ToString(), t.Sent, t.UseCandidate, t.Triggered,
                                       t.Kind == IceTransactionKind.Consent ? IceCheckKind.Consent : IceCheckKind.Connectivity));
        }
    }

    /// <summary>Retransmits on RTO (doubling, RFC 8489 §6.2.1) and times out after the last
    /// request's wait; a cancelled check just waits out its time.</summary>
    private void ServiceTransactions(TimeSpan now)
    {
        List<IceTransaction>? due = null;
        foreach (var t in _transactions.Values)
        {
            if (t.NextAt <= now) (due ??= []).Add(t);
        }
        if (due is null) return;
        foreach (var t in due)
        {
            if (!t.Cancelled && t.Sent < t.MaxRequests)
            {
                TransmitTransaction(t, now);
                continue;
            }
            _transactions.Remove(t.Id);
            OnTransactionTimeout(t, now);
        }
    }

    private void OnTransactionTimeout(IceTransaction t, TimeSpan now)
    {
        switch (t.Kind)
        {
            case IceTransactionKind.Gather:
                Emit(new IceCandidateErrorEvent(Stamp, now, t.Url ?? "", t.GatherBase?.EndPoint.ToString() ?? "", 701,
                                                $"no response from the STUN server after {t.Sent} request(s)"));
                MaybeCompleteGathering();
                break;
            case IceTransactionKind.Consent:
                Emit(new IceCheckFailedEvent(Stamp, now, t.Pair!.Snapshot, t.Id.ToString(), null, $"timeout after {t.Sent} request(s)", IceCheckKind.Consent));
                break;
            case IceTransactionKind.Check:
                var pair = t.Pair!;
                if (ReferenceEquals(pair.Transaction, t)) pair.Transaction = null;
                if (t.Cancelled || !_pairs.Contains(pair)) return;
                pair.LastResult = $"timeout after {t.Sent} request(s)";
                Emit(new IceCheckFailedEvent(Stamp, now, pair.Snapshot, t.Id.ToString(), null, pair.LastResult, IceCheckKind.Connectivity));
                if (pair.State != RTCIceCandidatePairState.Succeeded) SetPairState(pair, RTCIceCandidatePairState.Failed);
                if (ReferenceEquals(_nominating, pair)) _nominating = null;
                break;
        }
    }
}

using System.Net;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Ice;

// Connectivity checks (RFC 8445 §7): sending paced by Ta, answering, triggered checks, role
// conflicts, peer-reflexive discovery, nomination; consent checks share the machinery.
public sealed partial class IceAgent
{
    private void OnStun(LocalCandidate local, StunMessage message, IPEndPoint from)
    {
        if (message.Method != StunMethod.Binding) return;
        switch (message.Class)
        {
            case StunClass.Request:
                OnRequest(local, message, from);
                break;
            case StunClass.SuccessResponse or StunClass.ErrorResponse:
                OnResponse(local, message, from);
                break;
            default:
                // Binding indications are keepalives (RFC 8445 §11): nothing to do.
                break;
        }
    }

    // ---- answering (RFC 8445 §7.3) ----

    private void OnRequest(LocalCandidate local, StunMessage request, IPEndPoint from)
    {
        // FINGERPRINT tells STUN from other protocols on the port (RFC 8445 §7.2.2, RFC 7983).
        if (Fingerprint.Verify(request) == StunIntegrityStatus.Invalid) return;
        bool hasIntegrity = request.Contains(StunAttributeType.MessageIntegrity) || request.Contains(StunAttributeType.MessageIntegritySha256);
        if (!request.TryGet(out Username username) || !hasIntegrity)
        {
            Respond(local, request, from, StunErrorCodes.BadRequest, null);
            return;
        }
        // USERNAME is "our ufrag:their ufrag"; during a restart the old generation still answers
        // so the old pair stays up (RFC 8445 §9).
        RTCIceParameters? credentials = null;
        foreach (var candidate in new[] { _local, _previousLocal })
        {
            if (candidate is not null && username.Value.StartsWith(candidate.UsernameFragment + ":", StringComparison.Ordinal))
            {
                credentials = candidate;
                break;
            }
        }
        var key = credentials is null ? null : StunCredentials.ShortTermKey(credentials.Password);
        if (key is null || StunCredentials.CheckIntegrity(request, key) != StunIntegrityStatus.Valid)
        {
            Respond(local, request, from, StunErrorCodes.Unauthorized, null);
            return;
        }
        var unknown = request.GetUnknownComprehensionRequired();
        if (unknown.Count > 0)
        {
            Respond(local, request, from, StunErrorCodes.UnknownAttribute, key, new UnknownAttributes(unknown));
            return;
        }
        if (!request.TryGet(out Priority priority))
        {
            Respond(local, request, from, StunErrorCodes.BadRequest, key);
            return;
        }

        // Role conflict (RFC 8445 §7.3.1.1): the larger tie-breaker controls.
        if (_role == RTCIceRole.Controlling && request.TryGet(out IceControlling theirsControlling))
        {
            if (_tieBreaker >= theirsControlling.TieBreaker)
            {
                Respond(local, request, from, StunErrorCodes.RoleConflict, key);
                return;
            }
            SwitchRole(RTCIceRole.Controlled, "role conflict: the peer is also controlling, with a larger tie-breaker");
        }
        else if (_role == RTCIceRole.Controlled && request.TryGet(out IceControlled theirsControlled))
        {
            if (_tieBreaker >= theirsControlled.TieBreaker)
            {
                SwitchRole(RTCIceRole.Controlling, "role conflict: the peer is also controlled, with a smaller tie-breaker");
            }
            else
            {
                Respond(local, request, from, StunErrorCodes.RoleConflict, key);
                return;
            }
        }

        var success = new StunMessageBuilder(StunMessageType.BindingSuccessResponse, request.TransactionId);
        success.AddXorAddress(new XorMappedAddress(from));
        success.AddMessageIntegrity(key);
        success.AddFingerprint();
        Send(local.Socket, success.ToArray(), from);
        // The peer proved it knows our password: its DTLS may come from here.
        var remote = _remotes.Find(r => r.EndPoint.Equals(from) && r.Candidate.Protocol == local.Candidate.Protocol);
        if (!ReferenceEquals(credentials, _local))
        {
            if (_selected is not null && _selected.Remote.EndPoint.Equals(from) && ReferenceEquals(_selected.Local.Socket, local.Socket))
            {
                _selected.RequestsReceived++;
                _selected.ResponsesSent++;
            }
            return;
        }

        var now = Now;
        // An unknown source is a peer-reflexive candidate, paired and checked at once (§7.3.1.3-4);
        // no waiting for the signalled candidate.
        remote ??= AddPeerReflexiveRemote(from, priority.Value, local);
        var baseCandidate = local.IsPairable ? local : _locals.First(l => ReferenceEquals(l.Socket, local.Socket) && l.IsPairable);
        if (!AddPair(baseCandidate, remote, out var pair) && pair is null) return;
        pair.RequestsReceived++;
        pair.ResponsesSent++;
        _knownRemotes[from] = pair.Traffic;
        _checkingSince ??= now;

        bool useCandidate = request.Contains(StunAttributeType.UseCandidate);
        if (useCandidate && _role == RTCIceRole.Controlled)
        {
            if (pair.Valid) Nominate(pair, now);
            else pair.NominateOnSuccess = true;
        }

        // Triggered check (§7.3.1.4).
        switch (pair.State)
        {
            case RTCIceCandidatePairState.Succeeded:
                break;
            case RTCIceCandidatePairState.InProgress:
                if (pair.Transaction is { } inProgress) inProgress.Cancelled = true;
                SetPairState(pair, RTCIceCandidatePairState.Waiting);
                EnqueueTriggered(pair);
                break;
            default:
                SetPairState(pair, RTCIceCandidatePairState.Waiting);
                EnqueueTriggered(pair);
                break;
        }
    }

    private void Respond(LocalCandidate local, StunMessage request, IPEndPoint from, int code, byte[]? key, UnknownAttributes? unknown = null)
    {
        var builder = new StunMessageBuilder(StunMessageType.BindingErrorResponse, request.TransactionId);
        builder.Add(new ErrorCode(code));
        if (unknown is { } list) builder.Add(list);
        if (key is not null) builder.AddMessageIntegrity(key);
        builder.AddFingerprint();
        Send(local.Socket, builder.ToArray(), from);
    }

    private void EnqueueTriggered(CandidatePair pair)
    {
        if (!_triggered.Contains(pair)) _triggered.AddLast(pair);
    }

    // ---- sending (RFC 8445 §6.1.4, §7.2.4) ----

    private bool HasCheckWork()
    {
        if (_triggered.Count > 0) return true;
        if (_selected is not null && !_restarting) return false;
        // What SendNextCheck could send: a Waiting pair, or a Frozen one it would unfreeze.
        return _pairs.Any(p => p.State == RTCIceCandidatePairState.Waiting ||
                               (p.State == RTCIceCandidatePairState.Frozen && !_pairs.Any(o => o.Foundation == p.Foundation && o.State == RTCIceCandidatePairState.InProgress)));
    }

    /// <summary>One check per Ta: a triggered one first, else the highest-priority Waiting pair,
    /// else unfreeze (§6.1.4.2). Ordinary checks end once a pair is selected (§8.1.2).</summary>
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
        if (_selected is not null && !_restarting) return false;

        var next = HighestWaiting();
        if (next is null)
        {
            foreach (var frozen in _pairs.Where(p => p.State == RTCIceCandidatePairState.Frozen).OrderByDescending(p => p.Priority).ToList())
            {
                var foundation = frozen.Foundation;
                if (!_pairs.Any(p => p.Foundation == foundation && p.State is RTCIceCandidatePairState.Waiting or RTCIceCandidatePairState.InProgress))
                    SetPairState(frozen, RTCIceCandidatePairState.Waiting);
            }
            next = HighestWaiting();
        }
        if (next is null) return false;
        SendCheck(next, now, triggered: false, IceTransactionKind.Check);
        return true;
    }

    private CandidatePair? HighestWaiting()
    {
        CandidatePair? best = null;
        foreach (var p in _pairs)
        {
            if (p.State == RTCIceCandidatePairState.Waiting && (best is null || p.Priority > best.Priority)) best = p;
        }
        return best;
    }

    /// <summary>A Binding request on <paramref name="pair"/> (RFC 8445 §7.1): USERNAME
    /// "their:our", PRIORITY as a peer-reflexive candidate of ours, the role with our
    /// tie-breaker, USE-CANDIDATE when nominating, MESSAGE-INTEGRITY with their password, FINGERPRINT.</summary>
    private void SendCheck(CandidatePair pair, TimeSpan now, bool triggered, IceTransactionKind kind)
    {
        var id = StunTransactionId.NewId();
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

    // ---- responses (RFC 8445 §7.2.5) ----

    private void OnResponse(LocalCandidate local, StunMessage response, IPEndPoint from)
    {
        if (!_transactions.TryGetValue(response.TransactionId, out var t)) return;
        if (t.Kind == IceTransactionKind.Gather)
        {
            if (Fingerprint.Verify(response) == StunIntegrityStatus.Invalid) return;
            _transactions.Remove(t.Id);
            OnGatherResponse(t, response);
            MaybeCompleteGathering();
            return;
        }

        // Integrity with the peer's password (§7.2.5.1); unauthenticated errors (400, 401 carry
        // none) are believed only when they claim no integrity at all.
        bool hasIntegrity = response.Contains(StunAttributeType.MessageIntegrity) || response.Contains(StunAttributeType.MessageIntegritySha256);
        if (hasIntegrity ? !StunCredentials.Verify(response, t.ResponseKey!) : response.Class == StunClass.SuccessResponse) return;
        if (Fingerprint.Verify(response) == StunIntegrityStatus.Invalid) return;
        _transactions.Remove(t.Id);

        var now = Now;
        var pair = t.Pair!;
        var kind = t.Kind == IceTransactionKind.Consent ? IceCheckKind.Consent : IceCheckKind.Connectivity;
        bool current = _pairs.Contains(pair) || ReferenceEquals(pair, _selected);
        if (ReferenceEquals(pair.Transaction, t)) pair.Transaction = null;
        if (!current) return;
        pair.ResponsesReceived++;

        // Symmetric transport addresses (§7.2.5.2.1): the answer comes from where we sent, to the socket we sent from.
        if (!from.Equals(t.Destination) || !ReferenceEquals(local.Socket, t.Socket))
        {
            FailCheck(pair, t, now, null, $"asymmetric response from {from} to {local.Socket.LocalEndPoint}", kind);
            return;
        }

        if (response.Class == StunClass.ErrorResponse)
        {
            var error = response.TryGet(out ErrorCode code) ? code : new ErrorCode(StunErrorCodes.ServerError, "no ERROR-CODE");
            if (error.Code == StunErrorCodes.RoleConflict && kind == IceCheckKind.Connectivity)
            {
                // §7.2.5.1: take the role opposite to the one the request claimed, and retry.
                pair.LastResult = $"error {error.Code} {error.Reason}";
                Emit(new IceCheckFailedEvent(Stamp, now, pair.Snapshot, t.Id.ToString(), error.Code, "role conflict: switching role and retrying", kind));
                if (t.RoleSent == _role) SwitchRole(t.RoleSent == RTCIceRole.Controlling ? RTCIceRole.Controlled : RTCIceRole.Controlling, "487 Role Conflict from the peer");
                if (ReferenceEquals(_nominating, pair)) _nominating = null;
                if (pair.State != RTCIceCandidatePairState.Succeeded) SetPairState(pair, RTCIceCandidatePairState.Waiting);
                EnqueueTriggered(pair);
                return;
            }
            FailCheck(pair, t, now, error.Code, $"error {error.Code} {error.Reason}", kind);
            return;
        }

        var rtt = now - t.LastSentAt;
        pair.CurrentRoundTripTime = rtt;
        pair.TotalRoundTripTime += rtt;
        pair.LastResult = $"success, RTT {rtt.TotalMilliseconds:0.###} ms";
        _knownRemotes[from] = pair.Traffic;
        var mapped = response.TryGetXorAddress(out XorMappedAddress xor) ? xor.EndPoint : null;
        Emit(new IceCheckSucceededEvent(Stamp, now, pair.Snapshot, t.Id.ToString(), rtt, mapped?.ToString() ?? "", kind));

        if (kind == IceCheckKind.Consent)
        {
            _lastConsentAt = now;
            return;
        }
        if (ReferenceEquals(pair, _selected)) _lastConsentAt = now;

        // A mapped address we do not know is a local peer-reflexive candidate (§7.2.5.3.1). The
        // checked pair stands in for the valid pair: it sends from the same base to the same remote.
        if (mapped is not null && !_locals.Any(l => l.EndPoint.Equals(mapped) && ReferenceEquals(l.Socket, t.Socket)))
        {
            var prflx = new RTCIceCandidate
            {
                Foundation = pair.Local.Candidate.Protocol == RTCIceProtocol.Tcp
                    ? TcpFoundation(RTCIceCandidateType.Prflx, pair.Local.EndPoint.Address, pair.Local.Candidate.TcpType)
                    : CandidatePriority.ComputeFoundation(RTCIceCandidateType.Prflx, pair.Local.EndPoint.Address, RTCIceProtocol.Udp),
                Component = 1,
                Protocol = pair.Local.Candidate.Protocol,
                TcpType = pair.Local.Candidate.TcpType,
                Priority = t.PrioritySent,
                Address = mapped.Address.ToString(),
                Port = mapped.Port,
                Type = RTCIceCandidateType.Prflx,
                RelatedAddress = pair.Local.Candidate.Address,
                RelatedPort = pair.Local.Candidate.Port,
                UsernameFragment = _local.UsernameFragment,
            };
            _locals.Add(new LocalCandidate(prflx, t.Socket, mapped, null));
            Emit(new IcePeerReflexiveCandidateEvent(Stamp, now, prflx, IsLocal: true));
        }

        SetPairState(pair, RTCIceCandidatePairState.Succeeded);
        _firstValidAt ??= now;
        // §7.2.5.3.3: pairs of the same foundation need not wait any more.
        foreach (var other in _pairs)
        {
            if (other.State == RTCIceCandidatePairState.Frozen && other.Foundation == pair.Foundation) SetPairState(other, RTCIceCandidatePairState.Waiting);
        }

        if (t.UseCandidate && _role == RTCIceRole.Controlling)
        {
            Nominate(pair, now);
        }
        else if (_role == RTCIceRole.Controlled && pair.NominateOnSuccess)
        {
            Nominate(pair, now);
        }
    }

    private void FailCheck(CandidatePair pair, IceTransaction t, TimeSpan now, int? code, string reason, IceCheckKind kind)
    {
        pair.LastResult = reason;
        Emit(new IceCheckFailedEvent(Stamp, now, pair.Snapshot, t.Id.ToString(), code, reason, kind));
        if (kind == IceCheckKind.Consent) return;
        if (pair.State != RTCIceCandidatePairState.Succeeded) SetPairState(pair, RTCIceCandidatePairState.Failed);
        if (ReferenceEquals(_nominating, pair)) _nominating = null;
    }

    // ---- nomination (RFC 8445 §8.1) ----

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
}

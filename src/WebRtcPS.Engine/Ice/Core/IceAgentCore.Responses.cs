using System.Net;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Ice;

// Responses to our checks (RFC 8445 §7.2.5): authentication, symmetry, 487 role conflicts, the
// valid pair and local peer-reflexive candidates; STUN servers' answers go to gathering.
internal sealed partial class IceAgentCore
{
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

        var now = _now;
        var pair = t.Pair!;
        var kind = t.Kind == IceTransactionKind.Consent ? IceCheckKind.Consent : IceCheckKind.Connectivity;
        bool current = _pairs.Contains(pair) || ReferenceEquals(pair, _selected);
        if (ReferenceEquals(pair.Transaction, t)) pair.Transaction = null;
        if (!current) return;
        pair.ResponsesReceived++;

        // Symmetric transport addresses (§7.2.5.2.1): the answer comes from where we sent, to the socket we sent from.
        if (!from.Equals(t.Destination) || local.Socket != t.Socket)
        {
            FailCheck(pair, t, now, null, $"asymmetric response from {from} to {local.EndPoint}", kind);
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
        Validated(from, pair.Traffic);
        var mapped = response.TryGetXorAddress(out XorMappedAddress xor) ? xor.EndPoint : null;
        Emit(new IceCheckSucceededEvent(Stamp, now, pair.Snapshot, t.Id.ToString(), rtt, mapped?.ToString() ?? "", kind));

        if (kind == IceCheckKind.Consent)
        {
            ConsentRefreshed(now);
            return;
        }
        if (ReferenceEquals(pair, _selected)) ConsentRefreshed(now);

        // A mapped address we do not know is a local peer-reflexive candidate (§7.2.5.3.1). The
        // checked pair stands in for the valid pair: it sends from the same base to the same remote.
        if (mapped is not null && !_locals.Any(l => l.EndPoint.Equals(mapped) && l.Socket == t.Socket)) AddPeerReflexiveLocal(pair, t, mapped);

        SetPairState(pair, RTCIceCandidatePairState.Succeeded);
        _firstValidAt ??= now;
        if (_selected is null && _earlyRoute is null) _earlyRoute = new IceRoute(pair.Local.Socket, pair.Remote.EndPoint, pair.Traffic, pair.Snapshot);
        RecheckPairsWithFewerRelays(pair);
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

    /// <summary>Learns a local peer-reflexive candidate from a check's XOR-MAPPED-ADDRESS
    /// (RFC 8445 §7.2.5.3.1): priority as the check claimed, base the pair's local candidate.</summary>
    private void AddPeerReflexiveLocal(CandidatePair pair, IceTransaction t, IPEndPoint mapped)
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
        Emit(new IcePeerReflexiveCandidateEvent(Stamp, _now, prflx, IsLocal: true));
    }

    private void FailCheck(CandidatePair pair, IceTransaction t, TimeSpan now, int? code, string reason, IceCheckKind kind)
    {
        pair.LastResult = reason;
        Emit(new IceCheckFailedEvent(Stamp, now, pair.Snapshot, t.Id.ToString(), code, reason, kind));
        if (kind == IceCheckKind.Consent) return;
        if (pair.State != RTCIceCandidatePairState.Succeeded) SetPairState(pair, RTCIceCandidatePairState.Failed);
        if (ReferenceEquals(_nominating, pair)) _nominating = null;
    }
}

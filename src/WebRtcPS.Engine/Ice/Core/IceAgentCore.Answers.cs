using System.Net;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Ice;

// Received STUN, and answering the peer's checks (RFC 8445 §7.3): authentication, role
// conflicts, peer-reflexive remote candidates, triggered checks, USE-CANDIDATE.
internal sealed partial class IceAgentCore
{
    /// <summary>A datagram received on <paramref name="socket"/> from <paramref name="from"/>. Only
    /// STUN is ICE's (RFC 7983 §7: first byte 0-3); returns false for anything else, and for STUN
    /// that does not parse, which the driver handles or drops.</summary>
    public bool Receive(TimeSpan now, IceSocketId socket, ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        if (datagram.IsEmpty || datagram[0] > 3 || !StunMessage.TryParse(datagram, out var message)) return false;
        ReceiveStun(now, socket, message, from);
        return true;
    }

    /// <summary>A STUN message received on <paramref name="socket"/> from <paramref name="from"/>
    /// (the driver parsed it off the loop).</summary>
    public void ReceiveStun(TimeSpan now, IceSocketId socket, StunMessage message, IPEndPoint from)
    {
        Begin(now);
        try
        {
            if (_state != RTCIceTransportState.Closed && _bases.TryGetValue(socket, out var local)) OnStun(local, message, from);
        }
        finally
        {
            End();
        }
    }

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
            if (_selected is not null && _selected.Remote.EndPoint.Equals(from) && _selected.Local.Socket == local.Socket)
            {
                _selected.RequestsReceived++;
                _selected.ResponsesSent++;
            }
            return;
        }

        var now = _now;
        // An unknown source is a peer-reflexive candidate, paired and checked at once (§7.3.1.3-4);
        // no waiting for the signalled candidate.
        remote ??= AddPeerReflexiveRemote(from, priority.Value, local);
        var baseCandidate = local.IsPairable ? local : _locals.First(l => l.Socket == local.Socket && l.IsPairable);
        // The check proves the pair works from the peer's side: it is added even where we would
        // not have formed it ourselves (§7.3.1.4).
        if (!AddPair(baseCandidate, remote, out var pair, provenByPeer: true) && pair is null) return;
        pair.RequestsReceived++;
        pair.ResponsesSent++;
        Validated(from, pair.Traffic);
        _checkingSince ??= now;

        bool useCandidate = request.Contains(StunAttributeType.UseCandidate);
        if (useCandidate && _role == RTCIceRole.Controlled)
        {
            // §7.3.1.5: nominated now if the pair is valid, else once our own check succeeds.
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
}

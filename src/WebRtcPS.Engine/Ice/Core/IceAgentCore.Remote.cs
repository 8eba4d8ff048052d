using System.Net;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Ice;

// The peer's credentials and candidates: trickle (RFC 8838), held candidates, end-of-candidates,
// ".local" names (mDNS), and peer-reflexive remote candidates learned from checks (RFC 8445 §7.3.1.3).
internal sealed partial class IceAgentCore
{
    private bool _remoteEndOfCandidates;

    /// <summary>The peer's ice-ufrag and ice-pwd: checks start; held candidates are used. New ones
    /// while checking are the peer's ICE restart (RFC 8445 §9.2), which restarts this side too.</summary>
    public void SetRemoteParameters(TimeSpan now, RTCIceParameters parameters)
    {
        Begin(now);
        try
        {
            OnRemoteParameters(parameters);
        }
        finally
        {
            End();
        }
    }

    /// <summary>A trickled remote candidate (RFC 8838); bad ones are rejected with a reason (an event).</summary>
    public void AddRemoteCandidate(TimeSpan now, RTCIceCandidate candidate)
    {
        Begin(now);
        try
        {
            OnRemoteCandidate(candidate);
        }
        finally
        {
            End();
        }
    }

    /// <summary>The peer signalled end-of-candidates (RFC 8838 §4).</summary>
    public void AddRemoteEndOfCandidates(TimeSpan now)
    {
        Begin(now);
        try
        {
            if (!_remoteEndOfCandidates)
            {
                _remoteEndOfCandidates = true;
                Emit(new IceRemoteEndOfCandidatesEvent(Stamp, _now));
            }
        }
        finally
        {
            End();
        }
    }

    private void OnRemoteParameters(RTCIceParameters parameters)
    {
        if (_state == RTCIceTransportState.Closed) return;
        if (_remote is not null && _remote != parameters)
        {
            // The peer restarted ICE (RFC 8445 §9.2): so do we.
            DoRestart();
        }
        if (_remote == parameters) return;
        _remote = parameters;
        _remoteKey = StunCredentials.ShortTermKey(parameters.Password);
        _checkingSince ??= _now;
        _lastRemoteActivity = _now;
        var held = _heldRemoteCandidates.ToList();
        _heldRemoteCandidates.Clear();
        foreach (var candidate in held)
        {
            if (candidate.UsernameFragment is { } ufrag && ufrag != parameters.UsernameFragment)
                Reject(candidate, $"ufrag '{ufrag}' is not the remote ufrag '{parameters.UsernameFragment}' (another ICE generation)");
            else OnRemoteCandidate(candidate);
        }
    }

    private void OnRemoteCandidate(RTCIceCandidate candidate)
    {
        if (_state == RTCIceTransportState.Closed) return;
        if (RejectTcpReason(candidate) is { } tcpReason)
        {
            Reject(candidate, tcpReason);
            return;
        }
        if (candidate.Component != 1)
        {
            Reject(candidate, $"component {candidate.Component}: only component 1 is used (RTP/RTCP mux)");
            return;
        }
        if (_remote is null)
        {
            // Candidates before credentials wait for them (RFC 8838 §8).
            _heldRemoteCandidates.Add(candidate);
            return;
        }
        if (candidate.UsernameFragment is { } ufrag && ufrag != _remote.UsernameFragment)
        {
            // Another generation: a restarted peer's candidate racing its new credentials is
            // held for them; an old one is rejected when they come.
            _heldRemoteCandidates.Add(candidate);
            return;
        }
        if (candidate.IsMdns)
        {
            OnMdnsRemoteCandidate(candidate);
            return;
        }
        if (candidate.IPAddress is not { } address)
        {
            Reject(candidate, $"'{candidate.Address}' is neither an IP address nor a .local name");
            return;
        }
        AddResolvedRemoteCandidate(candidate, address);
    }

    private void PublishRemoteCandidates() => _remoteCandidatesView = _remotes.Select(r => r.Candidate).ToArray();

    private void Reject(RTCIceCandidate candidate, string reason) => Emit(new IceRemoteCandidateRejectedEvent(Stamp, _now, candidate, reason));

    private void AddResolvedRemoteCandidate(RTCIceCandidate candidate, IPAddress address)
    {
        if (candidate.Port == 0)
        {
            Reject(candidate, "port 0");
            return;
        }
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var endPoint = new IPEndPoint(address, candidate.Port);
        _lastRemoteActivity = _now;
        var existing = _remotes.Find(r => r.EndPoint.Equals(endPoint) && r.Candidate.Protocol == candidate.Protocol);
        if (existing is not null)
        {
            if (existing.Candidate.Type == RTCIceCandidateType.Prflx)
            {
                // The signalled candidate for an address first learned from a check: same pairs,
                // now with the real type and priority.
                existing.Candidate = candidate;
                PublishRemoteCandidates();
                foreach (var pair in _pairs.Where(p => ReferenceEquals(p.Remote, existing)))
                    pair.Priority = CandidatePairPriority.Compute(_role, pair.Local.Candidate.Priority, candidate.Priority);
                Emit(new IceRemoteCandidateAddedEvent(Stamp, _now, candidate, address.ToString()));
                // A pair selected while its remote was peer-reflexive (a browser's check arriving
                // before its .local name resolved) is reported again, with the signalled type.
                if (_selected is { } selected && ReferenceEquals(selected.Remote, existing)) Reselected(selected);
            }
            return;
        }
        var remote = new RemoteCandidate(candidate, endPoint);
        _remotes.Add(remote);
        PublishRemoteCandidates();
        Emit(new IceRemoteCandidateAddedEvent(Stamp, _now, candidate, address.ToString()));
        if (candidate.Type == RTCIceCandidateType.Relay) MarkPeerReflexiveOnRelayAddresses();
        foreach (var local in _locals.Where(l => l.IsPairable).ToList()) AddPair(local, remote, out _);
    }

    /// <summary>A peer's check from its relayed candidate can come before that candidate's trickle
    /// (a slow signaling hop): its address is then learned as peer-reflexive, and a pair with it
    /// would count as direct, be nominated without <see cref="IceAgentOptions.DirectPathWait"/> and
    /// turn out relayed once the trickle arrives. Such an address is on a TURN server's relay
    /// address: ours, when both sides use the same server (the lab's cell 51 did), or one the peer
    /// has signalled. pion waits a fixed second before nominating any peer-reflexive pair instead;
    /// this costs direct peer-reflexive paths nothing. (A peer whose NAT shares the relay's address
    /// is counted as relayed too: it waits DirectPathWait, nothing worse.)</summary>
    private bool IsRelayAddress(IPAddress address) =>
        _locals.Any(l => l.Candidate.Type == RTCIceCandidateType.Relay && l.EndPoint.Address.Equals(address)) ||
        _remotes.Any(r => r.Candidate.Type == RTCIceCandidateType.Relay && r.EndPoint.Address.Equals(address));

    /// <summary>A relayed candidate became known (ours gathered, or the peer's signalled): earlier
    /// peer-reflexive remotes on its address now count as relayed.</summary>
    private void MarkPeerReflexiveOnRelayAddresses()
    {
        foreach (var r in _remotes)
        {
            if (r.Candidate.Type == RTCIceCandidateType.Prflx && !r.OnRelayAddress && IsRelayAddress(r.EndPoint.Address)) r.OnRelayAddress = true;
        }
    }

    /// <summary>Learns a peer-reflexive remote candidate from a check (RFC 8445 §7.3.1.3).</summary>
    private RemoteCandidate AddPeerReflexiveRemote(IPEndPoint from, uint priority, LocalCandidate? local = null)
    {
        var candidate = new RTCIceCandidate
        {
            // Any value unique among remote foundations will do (§7.3.1.3).
            Foundation = "prflx" + _random.NextIceChars(8).Replace('+', 'p').Replace('/', 's'),
            Component = 1,
            Protocol = local?.Candidate.Protocol ?? RTCIceProtocol.Udp,
            Priority = priority,
            Address = from.Address.ToString(),
            Port = from.Port,
            Type = RTCIceCandidateType.Prflx,
            TcpType = PeerReflexiveTcpType(local),
            UsernameFragment = _remote?.UsernameFragment,
        };
        var remote = new RemoteCandidate(candidate, from) { OnRelayAddress = IsRelayAddress(from.Address) };
        _remotes.Add(remote);
        PublishRemoteCandidates();
        Emit(new IcePeerReflexiveCandidateEvent(Stamp, _now, candidate, IsLocal: false));
        return remote;
    }
}

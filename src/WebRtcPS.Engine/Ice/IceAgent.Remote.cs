using System.Net;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Ice;

// Remote credentials and candidates (trickle, RFC 8838), mDNS names, and the checklist
// (pairing and priorities, RFC 8445 §6.1.2).
public sealed partial class IceAgent
{
    private void OnRemoteParameters(RTCIceParameters parameters)
    {
        if (_state == RTCIceTransportState.Closed) return;
        if (_remote is not null && _remote != parameters)
        {
            // The peer restarted ICE (RFC 8445 §9.2): so do we.
            DoRestart();
        }
        if (_remote == parameters) return;
        var now = Now;
        _remote = parameters;
        _publishedRemote = parameters;
        _remoteKey = StunCredentials.ShortTermKey(parameters.Password);
        _checkingSince ??= now;
        _lastRemoteActivity = now;
        var held = _heldRemoteCandidates.ToList();
        _heldRemoteCandidates.Clear();
        foreach (var candidate in held)
        {
            if (candidate.UsernameFragment is { } ufrag && ufrag != parameters.UsernameFragment)
                Reject(candidate, $"ufrag '{ufrag}' is not the remote ufrag '{parameters.UsernameFragment}' (another ICE generation)");
            else OnRemoteCandidate(candidate);
        }
    }

    private void OnRemoteEndOfCandidates()
    {
        if (_remoteEndOfCandidates) return;
        _remoteEndOfCandidates = true;
        Emit(new IceRemoteEndOfCandidatesEvent(Stamp, Now));
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
            if (_options.MdnsResolver is not { } resolver)
            {
                Reject(candidate, "mDNS name and no resolver configured");
                return;
            }
            _pendingResolutions++;
            _ = ResolveMdnsAsync(resolver, candidate, _generation);
            return;
        }
        if (candidate.IPAddress is not { } address)
        {
            Reject(candidate, $"'{candidate.Address}' is neither an IP address nor a .local name");
            return;
        }
        AddRemoteCandidate(candidate, address);
    }

    private async Task ResolveMdnsAsync(IMdnsResolver resolver, RTCIceCandidate candidate, int generation)
    {
        IPAddress? address = null;
        string? error = null;
        try
        {
            address = await resolver.ResolveAsync(candidate.Address.TrimEnd('.'), _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex.Message;
        }
        _inputs.Writer.TryWrite(new Command(() =>
        {
            if (generation != _generation) return;
            _pendingResolutions--;
            if (address is null) Reject(candidate, $"mDNS name {candidate.Address} did not resolve{(error is null ? "" : ": " + error)}");
            else AddRemoteCandidate(candidate, address);
        }));
    }

    private void PublishRemoteCandidates() => _publishedRemoteCandidates = _remotes.Select(r => r.Candidate).ToArray();

    private void Reject(RTCIceCandidate candidate, string reason) => Emit(new IceRemoteCandidateRejectedEvent(Stamp, Now, candidate, reason));

    private void AddRemoteCandidate(RTCIceCandidate candidate, IPAddress address)
    {
        if (candidate.Port == 0)
        {
            Reject(candidate, "port 0");
            return;
        }
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var endPoint = new IPEndPoint(address, candidate.Port);
        var now = Now;
        _lastRemoteActivity = now;
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
                Emit(new IceRemoteCandidateAddedEvent(Stamp, now, candidate, address.ToString()));
            }
            return;
        }
        var remote = new RemoteCandidate(candidate, endPoint);
        _remotes.Add(remote);
        PublishRemoteCandidates();
        Emit(new IceRemoteCandidateAddedEvent(Stamp, now, candidate, address.ToString()));
        foreach (var local in _locals.Where(l => l.IsPairable).ToList()) AddPair(local, remote, out _);
    }

    /// <summary>Learns a peer-reflexive remote candidate from a check (RFC 8445 §7.3.1.3).</summary>
    private RemoteCandidate AddPeerReflexiveRemote(IPEndPoint from, uint priority, LocalCandidate? local = null)
    {
        var candidate = new RTCIceCandidate
        {
            // Any value unique among remote foundations will do (§7.3.1.3).
            Foundation = "prflx" + RTCIceParameters.RandomIceChars(8).Replace('+', 'p').Replace('/', 's'),
            Component = 1,
            Protocol = local?.Candidate.Protocol ?? RTCIceProtocol.Udp,
            Priority = priority,
            Address = from.Address.ToString(),
            Port = from.Port,
            Type = RTCIceCandidateType.Prflx,
            TcpType = PeerReflexiveTcpType(local),
            UsernameFragment = _remote?.UsernameFragment,
        };
        var remote = new RemoteCandidate(candidate, from);
        _remotes.Add(remote);
        PublishRemoteCandidates();
        Emit(new IcePeerReflexiveCandidateEvent(Stamp, Now, candidate, IsLocal: false));
        return remote;
    }

    /// <summary>Adds a pair to the checklist (RFC 8445 §6.1.2): same address family, not a
    /// duplicate, Waiting unless a pair of the same foundation is already being checked
    /// (§6.1.2.6), within <see cref="IceAgentOptions.MaxPairs"/> (§6.1.2.5).</summary>
    private bool AddPair(LocalCandidate local, RemoteCandidate remote, out CandidatePair pair)
    {
        pair = _pairs.Find(p => ReferenceEquals(p.Local, local) && ReferenceEquals(p.Remote, remote))!;
        if (pair is not null) return false;
        if (local.EndPoint.AddressFamily != remote.EndPoint.AddressFamily) return false;
        if (!TransportsPair(local, remote)) return false;
        // A loopback socket reaches only loopback addresses, and the reverse.
        if (local.Candidate.Type == RTCIceCandidateType.Host && IPAddress.IsLoopback(local.EndPoint.Address) != IPAddress.IsLoopback(remote.EndPoint.Address)) return false;

        pair = new CandidatePair(local, remote)
        {
            Priority = CandidatePairPriority.Compute(_role, local.Candidate.Priority, remote.Candidate.Priority),
        };
        var foundation = pair.Foundation;
        pair.State = _pairs.Any(p => p.Foundation == foundation && p.State is RTCIceCandidatePairState.Waiting or RTCIceCandidatePairState.InProgress)
            ? RTCIceCandidatePairState.Frozen
            : RTCIceCandidatePairState.Waiting;
        if (_pairs.Count >= _options.MaxPairs)
        {
            var lowest = _pairs.Where(p => p.State is RTCIceCandidatePairState.Frozen or RTCIceCandidatePairState.Waiting && !ReferenceEquals(p, _selected))
                               .MinBy(p => p.Priority);
            if (lowest is null || lowest.Priority >= pair.Priority)
            {
                pair = null!;
                return false;
            }
            _pairs.Remove(lowest);
            _triggered.Remove(lowest);
        }
        _pairs.Add(pair);
        Emit(new IceCandidatePairAddedEvent(Stamp, Now, pair.Snapshot, pair.Priority, pair.State));
        return true;
    }

    private void SetPairState(CandidatePair pair, RTCIceCandidatePairState state)
    {
        if (pair.State == state) return;
        var old = pair.State;
        pair.State = state;
        Emit(new IceCandidatePairStateChangedEvent(Stamp, Now, pair.Snapshot, old, state));
    }
}

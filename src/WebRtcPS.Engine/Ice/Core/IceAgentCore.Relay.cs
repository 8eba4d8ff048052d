namespace WebRtcPS.Engine.Ice;

// Relayed candidates (RFC 8445 §5.1.1.2, RFC 8656): allocations the driver obtains from the
// relay source, and their priorities.
internal sealed partial class IceAgentCore
{
    /// <summary>Sockets of relayed candidates whose allocation is gone (<see cref="RelayLost"/>).</summary>
    private readonly HashSet<IceSocketId> _lostRelays = [];

    /// <summary>The selected pair sends through a lost allocation: another valid pair may replace
    /// it (the re-allocated relayed candidate's, or any other).</summary>
    private bool SelectedLost => _selected is { } s && _lostRelays.Contains(s.Local.Socket);

    /// <summary>A relay allocation (RFC 8656) is ready on <paramref name="socket"/>: a relayed
    /// candidate. One carrying an error, or arriving after close, is refused and its socket released.</summary>
    public void RelayReady(TimeSpan now, IceSocketId socket, RelayAllocation allocation)
    {
        Begin(now);
        try
        {
            if (allocation.Error is not null || allocation.RelayedAddress is null)
            {
                Emit(new IceCandidateErrorEvent(Stamp, _now, allocation.Url ?? "turn", allocation.MappedAddress?.ToString() ?? "", allocation.ErrorCode, allocation.Error ?? "allocation without a relayed address"));
                Requests.Add(new CloseSocketRequest(socket));
                return;
            }
            if (_state == RTCIceTransportState.Closed)
            {
                Requests.Add(new CloseSocketRequest(socket));
                return;
            }
            int index = _locals.Count(l => l.Candidate.Type == RTCIceCandidateType.Relay);
            var relayed = allocation.RelayedAddress;
            var candidate = new RTCIceCandidate
            {
                Foundation = CandidatePriority.ComputeFoundation(RTCIceCandidateType.Relay, allocation.MappedAddress?.Address ?? relayed.Address, allocation.ServerTransport, allocation.ServerAddress),
                Component = 1,
                Protocol = RTCIceProtocol.Udp,
                Priority = new CandidatePriority(CandidatePriority.RelayTypePreference, RelayLocalPreference(allocation, index), 1).Value,
                Address = FormatAddress(relayed.Address),
                Port = relayed.Port,
                Type = RTCIceCandidateType.Relay,
                RelatedAddress = allocation.MappedAddress is { } m ? FormatAddress(m.Address) : null,
                RelatedPort = allocation.MappedAddress?.Port,
                UsernameFragment = _local.UsernameFragment,
            };
            // A candidate after gathering completed (a lost allocation's replacement, or a fresh one
            // at a restart whose gathering had already ended) reopens it: gathering, the candidate,
            // complete and end-of-candidates again, as webrtc-pc §5.6 has the agent begin and
            // finish gathering; what had been said complete is complete again only after it.
            bool reopened = _gatheringState == RTCIceGatheringState.Complete;
            if (reopened) SetGatheringState(RTCIceGatheringState.Gathering);
            AddLocalCandidate(new LocalCandidate(candidate, socket, relayed, allocation.Url ?? allocation.ServerAddress?.ToString()));
            if (reopened) MaybeCompleteGathering();
        }
        finally
        {
            End();
        }
    }

    /// <summary>A relay allocation failed: a candidate error from <paramref name="url"/>, with the
    /// server's error code (401...) or 701 when it could not be reached.</summary>
    public void RelayFailed(TimeSpan now, string url, string localAddress, string error, int? errorCode = null)
    {
        Begin(now);
        try
        {
            Emit(new IceCandidateErrorEvent(Stamp, _now, url, localAddress, errorCode, error));
        }
        finally
        {
            End();
        }
    }

    /// <summary>The allocation behind the relayed candidate on <paramref name="socket"/> is gone
    /// (RFC 8656 §7-8: the server forgot it or refused its refresh, or the connection broke): a
    /// candidate error; the candidate is no longer ours (an ICE restart does not announce it again),
    /// and its pairs fail, except the selected or nominating one, which consent or the nomination's
    /// own timeout judges; a selected one may be replaced by any other valid pair meanwhile.</summary>
    public void RelayLost(TimeSpan now, IceSocketId socket, string url, string localAddress, string error)
    {
        Begin(now);
        try
        {
            Emit(new IceCandidateErrorEvent(Stamp, _now, url, localAddress, null, error));
            if (_state == RTCIceTransportState.Closed) return;
            _lostRelays.Add(socket);
            if (_locals.RemoveAll(l => l.Socket == socket && l.Candidate.Type == RTCIceCandidateType.Relay) > 0) PublishLocalCandidates();
            foreach (var pair in _pairs.Where(p => p.Local.Socket == socket && !ReferenceEquals(p, _selected) && !ReferenceEquals(p, _nominating)).ToList())
            {
                _triggered.Remove(pair);
                if (pair.Transaction is { } t) _transactions.Remove(t.Id);
                pair.Transaction = null;
                SetPairState(pair, RTCIceCandidatePairState.Failed);
            }
        }
        finally
        {
            End();
        }
    }

    /// <summary>The relay source has no more allocations to give.</summary>
    public void RelaysDone(TimeSpan now)
    {
        Begin(now);
        try
        {
            _pendingGather--;
            _relaysPending = false;
            MaybeCompleteGathering();
        }
        finally
        {
            End();
        }
    }

    /// <summary>
    /// Local preference of a relay candidate (RFC 8445 §5.1.2.1 leaves it to us): the transport to
    /// the TURN server ranks first — UDP over TCP over TLS, as browsers do, since each adds latency
    /// and head-of-line blocking — then the order in which allocations arrived.
    /// </summary>
    internal static ushort RelayLocalPreference(RelayAllocation allocation, int index)
    {
        var tls = allocation.Url?.StartsWith("turns:", StringComparison.OrdinalIgnoreCase) == true;
        int rank = allocation.ServerTransport == RTCIceProtocol.Udp ? 2 : tls ? 0 : 1;
        return (ushort)(rank * 21_845 + 21_844 - Math.Min(index, 84) * 256);
    }
}

using System.Net;

namespace WebRtcPS.Engine.Ice;

// The checklist (RFC 8445 §6.1.2): forming pairs, their priorities and states, the triggered-check queue.
internal sealed partial class IceAgentCore
{
    /// <summary>Adds a pair to the checklist (RFC 8445 §6.1.2): same address family, not a
    /// duplicate, Waiting unless a pair of the same foundation is already being checked
    /// (§6.1.2.6), within <see cref="IceAgentOptions.MaxPairs"/> (§6.1.2.5).
    /// <paramref name="provenByPeer"/>: the peer's authenticated check just arrived on it
    /// (§7.3.1.4), so no rule of ours about which addresses reach which may refuse it, and the cap
    /// makes room for it.</summary>
    private bool AddPair(LocalCandidate local, RemoteCandidate remote, out CandidatePair pair, bool provenByPeer = false)
    {
        pair = _pairs.Find(p => ReferenceEquals(p.Local, local) && ReferenceEquals(p.Remote, remote))!;
        if (pair is not null) return false;
        if (local.EndPoint.AddressFamily != remote.EndPoint.AddressFamily) return false;
        if (!TransportsPair(local, remote)) return false;
        // A loopback socket reaches only loopback addresses, and the reverse: true of the pairs we
        // form, but the OS may route between them (127.0.0.1 -> a local interface address works).
        if (!provenByPeer && local.Candidate.Type == RTCIceCandidateType.Host &&
            IPAddress.IsLoopback(local.EndPoint.Address) != IPAddress.IsLoopback(remote.EndPoint.Address)) return false;

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
            if (lowest is null || (lowest.Priority >= pair.Priority && !provenByPeer))
            {
                pair = null!;
                return false;
            }
            _pairs.Remove(lowest);
            _triggered.Remove(lowest);
        }
        _pairs.Add(pair);
        Emit(new IceCandidatePairAddedEvent(Stamp, _now, pair.Snapshot, pair.Priority, pair.State));
        return true;
    }

    private void SetPairState(CandidatePair pair, RTCIceCandidatePairState state)
    {
        if (pair.State == state) return;
        var old = pair.State;
        pair.State = state;
        Emit(new IceCandidatePairStateChangedEvent(Stamp, _now, pair.Snapshot, old, state));
    }

    /// <summary>The triggered-check queue (RFC 8445 §7.3.1.4): served first, one per Ta.</summary>
    private void EnqueueTriggered(CandidatePair pair)
    {
        if (!_triggered.Contains(pair)) _triggered.AddLast(pair);
    }

    private CandidatePair? HighestWaiting(int relaysBelow = int.MaxValue)
    {
        CandidatePair? best = null;
        foreach (var p in _pairs)
        {
            if (p.State == RTCIceCandidatePairState.Waiting && p.Relays < relaysBelow && (best is null || p.Priority > best.Priority)) best = p;
        }
        return best;
    }
}

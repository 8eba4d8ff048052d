namespace WebRtcPS.Engine.Ice;

// Snapshots for stats and failure diagnostics.
internal sealed partial class IceAgentCore
{
    /// <summary>What was gathered, what the peer offered, every pair with what its checks got
    /// back, and the state with its reason.</summary>
    public IceDiagnostics BuildDiagnostics()
    {
        var d = Snapshot();
        return _selected is null ? d with { Diagnosis = IceFailureDiagnosis.Diagnose(d) } : d;
    }

    private IceDiagnostics Snapshot()
    {
        var locals = new StatsIds<LocalCandidate>(_locals, IceDiagnostics.LocalCandidateId);
        var remotes = new StatsIds<RemoteCandidate>(_remotes, IceDiagnostics.RemoteCandidateId);
        var stamp = Stamp;
        var pairs = _pairs.Select((p, i) => PairStats(p, i, stamp, locals.IdOf(p.Local), remotes.IdOf(p.Remote))).ToArray();
        return new()
        {
            State = _state,
            StateReason = _stateReason,
            GatheringState = _gatheringState,
            Role = _role,
            LocalCandidates = locals.Items.Select(l => l.Candidate).ToArray(),
            RemoteCandidates = remotes.Items.Select(r => r.Candidate).ToArray(),
            RemoteEndOfCandidates = _remoteEndOfCandidates,
            Pairs = pairs,
            SelectedPair = _selected?.Snapshot,
            Problems = _history.Select(e => e switch
            {
                IceCandidateErrorEvent c => $"{c.Url} from {c.LocalAddress}: {c.ErrorCode} {c.ErrorText}",
                IceRemoteCandidateRejectedEvent r => $"remote candidate {r.Candidate.Address}:{r.Candidate.Port} rejected: {r.Reason}",
                IceTcpConnectionEvent { Open: false, Reason: { } why } t when why.StartsWith("dropped", StringComparison.Ordinal) =>
                    $"TCP connection {t.RemoteAddress} -> {t.LocalCandidate.Address}:{t.LocalCandidate.Port} {why}",
                _ => null,
            }).OfType<string>().ToArray(),
            InternalErrors = _internalErrors.ToArray(),
            StunServers = _options.IceServers.Where(u => IceServerUri.TryParse(u, out var uri, out _) && uri.IsStun).ToArray(),
            RelayConfigured = _options.RelaySource is not null,
            TurnServers = _options.RelaySource?.Urls ?? [],
            RelaysPending = _relaysPending,
            CandidateErrors = _history.OfType<IceCandidateErrorEvent>().ToArray(),
            UnresolvedMdnsNames = _mdnsUnresolvedHistory.ToArray(),
            PendingMdnsNames = _mdnsLookups.Keys.ToArray(),
        };
    }

    private RTCIceCandidatePairStats PairStats(CandidatePair p, int index, DateTimeOffset stamp, string localId, string remoteId) => new()
    {
        Id = "CP" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Timestamp = stamp,
        LocalCandidateId = localId,
        RemoteCandidateId = remoteId,
        State = p.State,
        Priority = p.Priority,
        Nominated = p.Nominated,
        Selected = ReferenceEquals(p, _selected),
        RequestsSent = p.RequestsSent,
        RequestsReceived = p.RequestsReceived,
        ResponsesSent = p.ResponsesSent,
        ResponsesReceived = p.ResponsesReceived,
        ConsentRequestsSent = p.ConsentRequestsSent,
        CurrentRoundTripTime = p.CurrentRoundTripTime,
        TotalRoundTripTime = p.TotalRoundTripTime,
        PacketsSent = Interlocked.Read(ref p.Traffic.PacketsSent),
        PacketsReceived = Interlocked.Read(ref p.Traffic.PacketsReceived),
        BytesSent = Interlocked.Read(ref p.Traffic.BytesSent),
        BytesReceived = Interlocked.Read(ref p.Traffic.BytesReceived),
        LastResult = p.LastResult,
    };

    /// <summary>Stats ids of one side's candidates by position; a pair's candidate missing from the
    /// list (not expected) is added at the end rather than left without an id.</summary>
    private sealed class StatsIds<T>(IEnumerable<T> candidates, Func<int, string> idAt) where T : class
    {
        private readonly List<T> _items = [.. candidates];

        public IReadOnlyList<T> Items => _items;

        public string IdOf(T candidate)
        {
            var index = _items.FindIndex(c => ReferenceEquals(c, candidate));
            if (index < 0)
            {
                index = _items.Count;
                _items.Add(candidate);
            }
            return idAt(index);
        }
    }
}

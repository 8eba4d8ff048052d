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

    private IceDiagnostics Snapshot() => new()
    {
        State = _state,
        StateReason = _stateReason,
        GatheringState = _gatheringState,
        Role = _role,
        LocalCandidates = _locals.Select(l => l.Candidate).ToArray(),
        RemoteCandidates = _remotes.Select(r => r.Candidate).ToArray(),
        RemoteEndOfCandidates = _remoteEndOfCandidates,
        Pairs = _pairs.Select(PairStats).ToArray(),
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
    };

    private RTCIceCandidatePairStats PairStats(CandidatePair p) => new()
    {
        Pair = p.Snapshot,
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
}

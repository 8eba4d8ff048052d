using System.Text;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// Why ICE got where it did: both sides' candidates, every pair with what its checks got back,
/// and the state with its reason. <see cref="ToString"/> is the human-readable summary.
/// </summary>
public sealed record IceDiagnostics
{
    public required RTCIceTransportState State { get; init; }
    public required string StateReason { get; init; }
    public required RTCIceGatheringState GatheringState { get; init; }
    public required RTCIceRole Role { get; init; }
    public required IReadOnlyList<RTCIceCandidate> LocalCandidates { get; init; }
    public required IReadOnlyList<RTCIceCandidate> RemoteCandidates { get; init; }
    public required bool RemoteEndOfCandidates { get; init; }
    public required IReadOnlyList<RTCIceCandidatePairStats> Pairs { get; init; }
    public RTCIceCandidatePair? SelectedPair { get; init; }

    /// <summary>Candidate errors and rejected remote candidates, as text.</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    /// <summary>Exceptions caught on peer input (bugs, not peer misbehaviour); empty normally.</summary>
    public required IReadOnlyList<string> InternalErrors { get; init; }

    /// <summary>The stun: URLs this agent asked for server-reflexive candidates.</summary>
    public IReadOnlyList<string> StunServers { get; init; } = [];

    /// <summary>TURN servers were given (relayed candidates were asked for).</summary>
    public bool RelayConfigured { get; init; }

    /// <summary>The TURN servers' URLs, when the relay source names them.</summary>
    public IReadOnlyList<string> TurnServers { get; init; } = [];

    /// <summary>Relay allocations were still under way (a TURN server that does not answer keeps
    /// them so for its whole retransmission schedule).</summary>
    public bool RelaysPending { get; init; }

    /// <summary>STUN and TURN servers that failed while gathering (W3C icecandidateerror: the
    /// server's error code, or 701 when it could not be reached).</summary>
    public IReadOnlyList<IceCandidateErrorEvent> CandidateErrors { get; init; } = [];

    /// <summary>While no pair is selected: the likely reason, from what was gathered on both sides
    /// and what the checks got back (<see cref="IceFailureDiagnosis"/>); null once connected.</summary>
    public string? Diagnosis { get; init; }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("ICE ").Append(State).Append(" (").Append(StateReason).Append("), role ").Append(Role)
          .Append(", gathering ").Append(GatheringState).AppendLine();
        sb.Append("Local candidates (").Append(LocalCandidates.Count).AppendLine("):");
        foreach (var c in LocalCandidates) sb.Append("  ").AppendLine(c.ToSdpString());
        sb.Append("Remote candidates (").Append(RemoteCandidates.Count).Append(RemoteEndOfCandidates ? ", end-of-candidates received" : ", no end-of-candidates").AppendLine("):");
        foreach (var c in RemoteCandidates) sb.Append("  ").AppendLine(c.ToSdpString());
        sb.Append("Pairs (").Append(Pairs.Count).AppendLine("):");
        foreach (var p in Pairs.OrderByDescending(p => p.Priority))
        {
            sb.Append("  ").Append(p.Pair).Append(": ").Append(p.State);
            if (p.Nominated) sb.Append(", nominated");
            if (p.Selected) sb.Append(", selected");
            sb.Append(", requests ").Append(p.RequestsSent).Append('/').Append(p.RequestsReceived).Append(" sent/received")
              .Append(", responses ").Append(p.ResponsesReceived).Append('/').Append(p.ResponsesSent).Append(" received/sent");
            if (p.LastResult is not null) sb.Append(", last: ").Append(p.LastResult);
            sb.AppendLine();
        }
        if (SelectedPair is not null) sb.Append("Selected: ").AppendLine(SelectedPair.ToString());
        foreach (var problem in Problems) sb.Append("Problem: ").AppendLine(problem);
        foreach (var error in InternalErrors) sb.Append("Internal error: ").AppendLine(error);
        if (Diagnosis is not null && !StateReason.Contains(Diagnosis, StringComparison.Ordinal)) sb.Append("Likely cause: ").AppendLine(Diagnosis);
        return sb.ToString();
    }
}

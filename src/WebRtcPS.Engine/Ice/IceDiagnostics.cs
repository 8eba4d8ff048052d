using System.Globalization;
using System.Text;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// Why ICE got where it did: both sides' candidates, every pair with what its checks got back,
/// and the state with its reason. <see cref="ToString"/> is the human-readable summary.
/// </summary>
public sealed record IceDiagnostics
{
    /// <summary>The ICE transport state when the snapshot was taken.</summary>
    public required RTCIceTransportState State { get; init; }
    /// <summary>Why the agent is in that state ("all pairs failed after end-of-candidates"...).</summary>
    public required string StateReason { get; init; }
    /// <summary>The gathering state.</summary>
    public required RTCIceGatheringState GatheringState { get; init; }
    /// <summary>This agent's role.</summary>
    public required RTCIceRole Role { get; init; }
    /// <summary>Our candidates; the one at index i has the stats id <see cref="LocalCandidateId"/>(i).</summary>
    public required IReadOnlyList<RTCIceCandidate> LocalCandidates { get; init; }
    /// <summary>The peer's candidates; the one at index i has the stats id <see cref="RemoteCandidateId"/>(i).</summary>
    public required IReadOnlyList<RTCIceCandidate> RemoteCandidates { get; init; }
    /// <summary>Whether the peer signalled end-of-candidates (RFC 8838 §4.4).</summary>
    public required bool RemoteEndOfCandidates { get; init; }
    /// <summary>Every pair of the checklist, naming its candidates by the ids above.</summary>
    public required IReadOnlyList<RTCIceCandidatePairStats> Pairs { get; init; }
    /// <summary>The pair carrying data, or null.</summary>
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

    /// <summary>The peer's ".local" names that did not resolve here within
    /// <see cref="IceAgentOptions.MdnsTimeout"/> (their candidates were rejected).</summary>
    public IReadOnlyList<string> UnresolvedMdnsNames { get; init; } = [];

    /// <summary>The peer's ".local" names still being resolved.</summary>
    public IReadOnlyList<string> PendingMdnsNames { get; init; } = [];

    /// <summary>While no pair is selected: the likely reason, from what was gathered on both sides
    /// and what the checks got back (<see cref="IceFailureDiagnosis"/>); null once connected.</summary>
    public string? Diagnosis { get; init; }

    /// <summary>The stats id of <see cref="LocalCandidates"/>[<paramref name="index"/>]: "LC1", "LC2"...</summary>
    public static string LocalCandidateId(int index) => "LC" + (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The stats id of <see cref="RemoteCandidates"/>[<paramref name="index"/>]: "RC1", "RC2"...</summary>
    public static string RemoteCandidateId(int index) => "RC" + (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The candidates a pair of <see cref="Pairs"/> names.</summary>
    public RTCIceCandidatePair PairOf(RTCIceCandidatePairStats pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return new RTCIceCandidatePair(Find(LocalCandidates, pair.LocalCandidateId, "LC"), Find(RemoteCandidates, pair.RemoteCandidateId, "RC"));
    }

    private static RTCIceCandidate Find(IReadOnlyList<RTCIceCandidate> candidates, string id, string prefix) =>
        id.StartsWith(prefix, StringComparison.Ordinal)
        && int.TryParse(id.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
        && n >= 1 && n <= candidates.Count
            ? candidates[n - 1]
            : throw new ArgumentException($"No candidate {id} in this snapshot.", nameof(id));

    /// <inheritdoc/>
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
            sb.Append("  ").Append(PairOf(p)).Append(": ").Append(p.State);
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

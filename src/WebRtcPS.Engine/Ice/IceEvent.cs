namespace WebRtcPS.Engine.Ice;

/// <summary>
/// Everything an <see cref="IceAgent"/> does that a user may want to see, in one ordered stream
/// (<see cref="IceAgent.Events"/>): later turned into PowerShell pipeline objects and used for
/// failure diagnostics. <see cref="Timestamp"/> is wall-clock time from the agent's
/// TimeProvider; <see cref="Elapsed"/> counts from the agent's creation.
/// </summary>
public abstract record IceEvent(DateTimeOffset Timestamp, TimeSpan Elapsed);

/// <summary>W3C icegatheringstatechange.</summary>
public sealed record IceGatheringStateChangedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceGatheringState State) : IceEvent(Timestamp, Elapsed);

/// <summary>W3C icecandidate: a local candidate to signal to the peer (trickle, RFC 8838).</summary>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Elapsed">Time since the agent started.</param>
/// <param name="Candidate">The gathered candidate.</param>
/// <param name="Url">The STUN/TURN server it came from, for srflx and relay.</param>
public sealed record IceCandidateGatheredEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidate Candidate, string? Url) : IceEvent(Timestamp, Elapsed);

/// <summary>Local gathering is over: signal end-of-candidates (W3C icecandidate with null).</summary>
public sealed record IceEndOfCandidatesEvent(DateTimeOffset Timestamp, TimeSpan Elapsed) : IceEvent(Timestamp, Elapsed);

/// <summary>W3C icecandidateerror: a STUN/TURN server did not give a candidate.</summary>
public sealed record IceCandidateErrorEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, string Url, string LocalAddress, int? ErrorCode, string ErrorText) : IceEvent(Timestamp, Elapsed);

/// <summary>A remote candidate was accepted (after mDNS resolution, when it had a ".local" name).</summary>
public sealed record IceRemoteCandidateAddedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidate Candidate, string ResolvedAddress) : IceEvent(Timestamp, Elapsed);

/// <summary>A remote candidate was not used, and why (unresolvable name, TCP, other component, stale ufrag...).</summary>
public sealed record IceRemoteCandidateRejectedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidate Candidate, string Reason) : IceEvent(Timestamp, Elapsed);

/// <summary>The peer signalled end-of-candidates.</summary>
public sealed record IceRemoteEndOfCandidatesEvent(DateTimeOffset Timestamp, TimeSpan Elapsed) : IceEvent(Timestamp, Elapsed);

/// <summary>A peer-reflexive candidate was learned (RFC 8445 §7.2.5.3.1 local, §7.3.1.3 remote).</summary>
public sealed record IcePeerReflexiveCandidateEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidate Candidate, bool IsLocal) : IceEvent(Timestamp, Elapsed);

/// <summary>A pair joined the checklist.</summary>
public sealed record IceCandidatePairAddedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidatePair Pair, ulong Priority, RTCIceCandidatePairState State) : IceEvent(Timestamp, Elapsed);

/// <summary>A pair changed state.</summary>
public sealed record IceCandidatePairStateChangedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidatePair Pair, RTCIceCandidatePairState OldState, RTCIceCandidatePairState NewState) : IceEvent(Timestamp, Elapsed);

/// <summary>What a Binding request was for.</summary>
public enum IceCheckKind
{
    /// <summary>A connectivity check (RFC 8445 §7.2.4).</summary>
    Connectivity,
    /// <summary>A consent freshness check on the selected pair (RFC 7675).</summary>
    Consent,
}

/// <summary>A Binding request went out (first send or retransmission).</summary>
public sealed record IceCheckSentEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidatePair Pair, string TransactionId, int Attempt, bool UseCandidate, bool Triggered, IceCheckKind Kind) : IceEvent(Timestamp, Elapsed);

/// <summary>A check got a valid success response.</summary>
public sealed record IceCheckSucceededEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidatePair Pair, string TransactionId, TimeSpan RoundTripTime, string MappedAddress, IceCheckKind Kind) : IceEvent(Timestamp, Elapsed);

/// <summary>A check failed: <see cref="ErrorCode"/> for an error response, null for a timeout or an
/// asymmetric response; <see cref="Reason"/> says which.</summary>
public sealed record IceCheckFailedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidatePair Pair, string TransactionId, int? ErrorCode, string Reason, IceCheckKind Kind) : IceEvent(Timestamp, Elapsed);

/// <summary>The pair was nominated (RFC 8445 §8): by our USE-CANDIDATE check's success as
/// controlling, or the peer's USE-CANDIDATE as controlled.</summary>
public sealed record IcePairNominatedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidatePair Pair) : IceEvent(Timestamp, Elapsed);

/// <summary>W3C selectedcandidatepairchange.</summary>
public sealed record IceSelectedCandidatePairChangedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidatePair? Pair) : IceEvent(Timestamp, Elapsed);

/// <summary>W3C statechange of the RTCIceTransport.</summary>
public sealed record IceStateChangedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceTransportState OldState, RTCIceTransportState NewState, string Reason) : IceEvent(Timestamp, Elapsed);

/// <summary>The role changed to resolve a conflict (RFC 8445 §7.3.1.1, §7.2.5.1).</summary>
public sealed record IceRoleChangedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceRole OldRole, RTCIceRole NewRole, string Reason) : IceEvent(Timestamp, Elapsed);

/// <summary>An ICE restart began (RFC 8445 §9): new local credentials.</summary>
public sealed record IceRestartEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, string UsernameFragment) : IceEvent(Timestamp, Elapsed);

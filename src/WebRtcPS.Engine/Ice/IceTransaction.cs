using System.Net;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Ice;

internal enum IceTransactionKind
{
    Check,
    Consent,
    Gather,
}

/// <summary>
/// An outstanding Binding request of the agent (RFC 8489 §6.2.1 retransmissions, run from the
/// agent's loop rather than timers of its own): a connectivity or consent check on a pair, or a
/// request to a STUN server while gathering.
/// </summary>
internal sealed class IceTransaction
{
    public required StunTransactionId Id { get; init; }
    public required IceTransactionKind Kind { get; init; }
    public required byte[] Request { get; init; }
    public required IceSocketId Socket { get; init; }
    public required IPEndPoint Destination { get; init; }
    public required int MaxRequests { get; init; }
    public required TimeSpan MaxRto { get; init; }

    public CandidatePair? Pair { get; init; }
    public LocalCandidate? GatherBase { get; init; }
    public string? Url { get; init; }

    /// <summary>Key that signs responses (the remote password); null for a STUN server.</summary>
    public byte[]? ResponseKey { get; init; }

    public bool UseCandidate { get; init; }
    public bool Triggered { get; init; }
    public uint PrioritySent { get; init; }
    public RTCIceRole RoleSent { get; init; }

    public TimeSpan FirstSentAt { get; set; }
    public TimeSpan LastSentAt { get; set; }
    public TimeSpan NextAt { get; set; }
    public TimeSpan Rto { get; set; }
    public int Sent { get; set; }

    /// <summary>A triggered check replaced it (RFC 8445 §7.3.1.4): no more retransmissions, and
    /// no failure when it times out, but a response is still welcome.</summary>
    public bool Cancelled { get; set; }
}

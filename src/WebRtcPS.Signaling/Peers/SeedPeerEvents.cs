using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Signaling.Peers;

/// <summary>
/// What a <see cref="SeedPeer"/> does, in order, with a timestamp and the time since it started:
/// the stream the Connect-WrtcPeer cmdlet turns into pipeline objects.
/// </summary>
public abstract record SeedPeerEvent(DateTimeOffset Timestamp, TimeSpan Elapsed);

/// <summary>A candidate gathered here (Local) or received through signaling (Remote).</summary>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Elapsed">Time since the peer started.</param>
/// <param name="IsLocal">True for a candidate gathered here.</param>
/// <param name="Candidate">The candidate.</param>
/// <param name="Url">The STUN/TURN server a local srflx or relay candidate came from.</param>
/// <param name="Held">A remote candidate that arrived before the remote description and was held.</param>
public sealed record SeedPeerCandidateEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, bool IsLocal, RTCIceCandidate Candidate, string? Url, bool Held)
    : SeedPeerEvent(Timestamp, Elapsed);

/// <summary>Which state machine changed.</summary>
public enum SeedPeerMachine
{
    /// <summary>The W3C signaling state.</summary>
    Signaling,
    /// <summary>The ICE gathering state.</summary>
    Gathering,
    /// <summary>The ICE connection state.</summary>
    Ice,
    /// <summary>The DTLS transport state.</summary>
    Dtls,
    /// <summary>The SCTP transport state.</summary>
    Sctp,
    /// <summary>The peer connection state.</summary>
    Connection,
    /// <summary>The data channel's ready state.</summary>
    Channel,
}

/// <summary>A state change of one machine, with the state it left.</summary>
public sealed record SeedPeerStateEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, SeedPeerMachine Machine, string From, string To, string? Detail)
    : SeedPeerEvent(Timestamp, Elapsed);

/// <summary>ICE selected (or switched to) this pair.</summary>
public sealed record SeedPeerSelectedPairEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidatePair Pair)
    : SeedPeerEvent(Timestamp, Elapsed);

/// <summary>A signaling message went out or came in.</summary>
public sealed record SeedPeerSignalingEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, bool Sent, string Type, string Peer, int Length)
    : SeedPeerEvent(Timestamp, Elapsed);

/// <summary>A data-channel message (sent greeting or received message).</summary>
public sealed record SeedPeerMessageEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, bool Sent, string Label, bool IsText, byte[] Data)
    : SeedPeerEvent(Timestamp, Elapsed)
{
    /// <summary>The UTF-8 text when IsText, else null.</summary>
    public string? Text => IsText ? System.Text.Encoding.UTF8.GetString(Data) : null;
}

/// <summary>Something went wrong that did not (yet) end the attempt: a bad remote candidate, a refused send.</summary>
public sealed record SeedPeerWarningEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, string Message)
    : SeedPeerEvent(Timestamp, Elapsed);

/// <summary>A received data-channel message, as kept for readers after connect.</summary>
public sealed record SeedPeerMessage(DateTimeOffset Timestamp, TimeSpan Elapsed, string Label, bool IsText, byte[] Data)
{
    /// <summary>The UTF-8 text when IsText, else null.</summary>
    public string? Text => IsText ? System.Text.Encoding.UTF8.GetString(Data) : null;
}

/// <summary>ICE restarted (RFC 8445 §9): ours (Restart-WrtcIce on the offerer) or the peer's new
/// offer; <paramref name="UsernameFragment"/> is our new ice-ufrag.</summary>
public sealed record SeedPeerIceRestartEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, string UsernameFragment)
    : SeedPeerEvent(Timestamp, Elapsed);

using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.PeerConnection;

/// <summary>
/// One entry of <see cref="RTCPeerConnection.Events"/>: everything the connection and its layers
/// do, in order, with the wall-clock time and the time since the connection was created.
/// </summary>
public abstract record PeerConnectionEvent(DateTimeOffset Timestamp, TimeSpan Elapsed);

/// <summary>An ICE agent event, passed through unchanged (candidates, pairs, checks, states).</summary>
public sealed record PeerConnectionIceEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, IceEvent Ice) : PeerConnectionEvent(Timestamp, Elapsed);

/// <summary>signalingState changed; <see cref="Cause"/> names the call ("setLocalDescription(offer)").</summary>
public sealed record SignalingStateChangedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCSignalingState State, string Cause) : PeerConnectionEvent(Timestamp, Elapsed);

/// <summary>iceConnectionState changed.</summary>
public sealed record IceConnectionStateChangedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceConnectionState State) : PeerConnectionEvent(Timestamp, Elapsed);

/// <summary>connectionState changed; <see cref="Reason"/> says why when it failed.</summary>
public sealed record ConnectionStateChangedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCPeerConnectionState State, string? Reason) : PeerConnectionEvent(Timestamp, Elapsed);

/// <summary>The DTLS transport changed state; <see cref="Detail"/> gives the role and cipher, or the error.</summary>
public sealed record DtlsStateChangedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCDtlsTransportState State, DtlsRole Role, string? Detail) : PeerConnectionEvent(Timestamp, Elapsed);

/// <summary>The SCTP association changed state.</summary>
public sealed record SctpStateChangedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCSctpTransportState State, string? Detail) : PeerConnectionEvent(Timestamp, Elapsed);

/// <summary>A data channel changed state (created locally or by the peer, open, closing, closed) or reported an error.</summary>
public sealed record DataChannelStateChangedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, string Label, ushort? Id, RTCDataChannelState State, bool Remote, string? Error) : PeerConnectionEvent(Timestamp, Elapsed);

/// <summary>A description was applied.</summary>
public sealed record DescriptionAppliedEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, bool Local, Sdp.RTCSdpType Type, string Sdp) : PeerConnectionEvent(Timestamp, Elapsed);

/// <summary>The W3C icecandidate event's data: a local candidate to signal, or null at the end of gathering.</summary>
public sealed class RTCPeerConnectionIceEventArgs : EventArgs
{
    internal RTCPeerConnectionIceEventArgs(RTCIceCandidate? candidate, string? sdpMid, string? url)
    {
        Candidate = candidate;
        SdpMid = sdpMid;
        Url = url;
    }

    /// <summary>The candidate, or null: gathering is complete (signal end-of-candidates).</summary>
    public RTCIceCandidate? Candidate { get; }

    /// <summary>The media id of the data section the candidate belongs to.</summary>
    public string? SdpMid { get; }

    /// <summary>The index of that m-line: always 0, the only one.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "W3C instance attribute; always 0 (one m-line).")]
    public int SdpMLineIndex => 0;

    /// <summary>The STUN/TURN server URL for srflx and relay candidates.</summary>
    public string? Url { get; }

    /// <summary>The candidate's "candidate:..." line, or null at the end of gathering.</summary>
    public string? CandidateLine => Candidate?.ToSdpString();

    /// <summary>What to give the peer's addIceCandidate.</summary>
    public RTCIceCandidateInit ToInit() => new(CandidateLine ?? string.Empty, SdpMid, 0);
}

/// <summary>W3C RTCIceCandidateInit: a candidate as signalled. An empty <see cref="Candidate"/> is end-of-candidates.</summary>
public sealed record RTCIceCandidateInit(string Candidate, string? SdpMid = null, int? SdpMLineIndex = null, string? UsernameFragment = null);

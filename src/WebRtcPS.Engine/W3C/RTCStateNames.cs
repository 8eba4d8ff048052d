namespace WebRtcPS.Engine.W3C;

/// <summary>Wire names of the W3C enums ("have-local-offer", "in-progress", ...), as the spec's IDL spells them.</summary>
public static class RTCStateNames
{
    /// <summary>The webrtc-pc IDL name ("have-local-offer").</summary>
    public static string ToWireName(this RTCSignalingState state) => state switch
    {
        RTCSignalingState.Stable => "stable",
        RTCSignalingState.HaveLocalOffer => "have-local-offer",
        RTCSignalingState.HaveRemoteOffer => "have-remote-offer",
        RTCSignalingState.HaveLocalPranswer => "have-local-pranswer",
        RTCSignalingState.HaveRemotePranswer => "have-remote-pranswer",
        _ => "closed",
    };

    /// <summary>The webrtc-pc IDL name ("connected").</summary>
    public static string ToWireName(this RTCPeerConnectionState state) => state.ToString().ToLowerInvariant();

    /// <summary>The webrtc-pc IDL name ("checking").</summary>
    public static string ToWireName(this RTCIceConnectionState state) => state.ToString().ToLowerInvariant();

    /// <summary>The webrtc-pc IDL name ("gathering").</summary>
    public static string ToWireName(this RTCIceGatheringState state) => state.ToString().ToLowerInvariant();

    /// <summary>The webrtc-pc IDL name ("connected").</summary>
    public static string ToWireName(this RTCIceTransportState state) => state.ToString().ToLowerInvariant();

    /// <summary>The webrtc-pc IDL name ("controlling").</summary>
    public static string ToWireName(this RTCIceRole role) => role.ToString().ToLowerInvariant();

    /// <summary>webrtc-stats RTCStatsIceCandidatePairState: "frozen", "waiting", "in-progress", "succeeded", "failed".</summary>
    public static string ToWireName(this RTCIceCandidatePairState state) =>
        state == RTCIceCandidatePairState.InProgress ? "in-progress" : state.ToString().ToLowerInvariant();

    /// <summary>The webrtc-pc IDL name ("connected").</summary>
    public static string ToWireName(this RTCDtlsTransportState state) => state.ToString().ToLowerInvariant();

    /// <summary>The webrtc-stats IDL name ("client", "server").</summary>
    public static string ToWireName(this DtlsRole role) => role.ToString().ToLowerInvariant();

    /// <summary>The webrtc-pc IDL name ("connected").</summary>
    public static string ToWireName(this RTCSctpTransportState state) => state.ToString().ToLowerInvariant();

    /// <summary>The webrtc-pc IDL name ("open").</summary>
    public static string ToWireName(this RTCDataChannelState state) => state.ToString().ToLowerInvariant();
}

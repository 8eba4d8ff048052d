using System.Text;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.PeerConnection;

/// <summary>
/// Why a connection got where it did: the last state of every layer, the failure reason, and
/// ICE's own diagnosis (candidates on each side, every pair tried and what each got back).
/// <see cref="ToString"/> is the human-readable summary a failed connect prints.
/// </summary>
public sealed record PeerConnectionDiagnostics
{
    /// <inheritdoc cref="RTCPeerConnection.SignalingState"/>
    public required RTCSignalingState SignalingState { get; init; }
    /// <inheritdoc cref="RTCPeerConnection.ConnectionState"/>
    public required RTCPeerConnectionState ConnectionState { get; init; }
    /// <inheritdoc cref="RTCPeerConnection.IceConnectionState"/>
    public required RTCIceConnectionState IceConnectionState { get; init; }
    /// <inheritdoc cref="RTCPeerConnection.IceGatheringState"/>
    public required RTCIceGatheringState IceGatheringState { get; init; }
    /// <inheritdoc cref="RTCPeerConnection.DtlsState"/>
    public required RTCDtlsTransportState DtlsState { get; init; }
    /// <inheritdoc cref="RTCPeerConnection.DtlsRole"/>
    public DtlsRole? DtlsRole { get; init; }
    /// <summary>The SCTP transport's state; null before DTLS connects.</summary>
    public RTCSctpTransportState? SctpState { get; init; }
    /// <inheritdoc cref="RTCPeerConnection.FailureReason"/>
    public string? FailureReason { get; init; }
    /// <summary>Whether a remote description is applied.</summary>
    public bool HasRemoteDescription { get; init; }
    /// <summary>ICE's diagnosis; null when no description has created the agent.</summary>
    public IceDiagnostics? Ice { get; init; }
    /// <summary>One line per data channel: label, id and state.</summary>
    public required IReadOnlyList<string> DataChannels { get; init; }

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Connection ").Append(ConnectionState.ToWireName());
        if (FailureReason is not null) sb.Append(": ").Append(FailureReason);
        sb.AppendLine();
        sb.Append("Signaling ").Append(SignalingState.ToWireName())
          .Append(HasRemoteDescription ? "" : " (no remote description: the peer never answered?)").AppendLine();
        sb.Append("ICE ").Append(IceConnectionState.ToWireName()).Append(", gathering ").Append(IceGatheringState.ToString().ToLowerInvariant()).AppendLine();
        sb.Append("DTLS ").Append(DtlsState.ToString().ToLowerInvariant());
        if (DtlsRole is { } role) sb.Append(" as ").Append(role.ToString().ToLowerInvariant());
        sb.AppendLine();
        sb.Append("SCTP ").AppendLine(SctpState?.ToString().ToLowerInvariant() ?? "not started");
        foreach (var channel in DataChannels) sb.Append("Data channel ").AppendLine(channel);
        if (Ice is not null) sb.Append(Ice);
        return sb.ToString();
    }
}

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
    public required RTCSignalingState SignalingState { get; init; }
    public required RTCPeerConnectionState ConnectionState { get; init; }
    public required RTCIceConnectionState IceConnectionState { get; init; }
    public required RTCIceGatheringState IceGatheringState { get; init; }
    public required RTCDtlsTransportState DtlsState { get; init; }
    public DtlsRole? DtlsRole { get; init; }
    public RTCSctpTransportState? SctpState { get; init; }
    public string? FailureReason { get; init; }
    public bool HasRemoteDescription { get; init; }
    /// <summary>ICE's diagnosis; null when no description has created the agent.</summary>
    public IceDiagnostics? Ice { get; init; }
    public required IReadOnlyList<string> DataChannels { get; init; }

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

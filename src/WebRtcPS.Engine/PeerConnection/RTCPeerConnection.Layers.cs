using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Engine.PeerConnection;

// The composition root: each layer's options derived from the configuration's options for that
// layer, with what only the peer connection knows (role, credentials, the servers, the peer's SDP).
public sealed partial class RTCPeerConnection
{
    /// <summary>One TURN allocation per turn:/turns: URL of the configuration's IceServers, each with
    /// its server's credential; null when there is none.</summary>
    internal static TurnRelaySource? RelaySourceFor(RTCConfiguration config)
    {
        var source = TurnRelaySource.FromIceServers(config.IceServers, config.Turn with { Logger = config.Turn.Logger ?? config.Logger });
        return source.Servers.Count == 0 ? null : source;
    }

    /// <summary>The ICE agent's options: the configuration's, with our role and credentials, the STUN
    /// servers of IceServers, the relay source, and the relay policy applied.</summary>
    internal static IceAgentOptions IceOptions(RTCConfiguration config, RTCIceRole role, RTCIceParameters local, IRelayCandidateSource? relaySource)
    {
        var ice = config.Ice;
        // W3C relay policy: no host (hence no server-reflexive) candidates at all; only relayed ones.
        var relayOnly = config.IceTransportPolicy == RTCIceTransportPolicy.Relay;
        return ice with
        {
            Role = role,
            LocalParameters = local,
            IceServers = relayOnly ? [] : config.IceServers.SelectMany(s => s.Urls).Where(u => IceServerUri.Parse(u).IsStun).ToList(),
            RelaySource = relaySource,
            IncludeLoopback = ice.IncludeLoopback && !relayOnly,
            InterfaceFilter = relayOnly ? static _ => false : ice.InterfaceFilter,
            EnableTcp = ice.EnableTcp && !relayOnly,
            Logger = ice.Logger ?? config.Logger,
        };
    }

    /// <summary>The DTLS session's parameters: the configuration's settings with the role from
    /// a=setup, our certificate and the peer's fingerprints.</summary>
    internal static DtlsParameters DtlsOptions(RTCConfiguration config, DtlsRole role, RTCCertificate certificate, IReadOnlyList<RTCDtlsFingerprint> remoteFingerprints) =>
        new(config.Dtls)
        {
            Role = role,
            Certificate = certificate,
            RemoteFingerprints = remoteFingerprints,
            Logger = config.Logger,
        };

    /// <summary>The SCTP association's options: the configuration's, on the WebRTC ports, with the
    /// peer's a=max-message-size (0: no limit) and messages delivered as events (for the data channels).</summary>
    internal static SctpAssociationOptions SctpOptions(RTCConfiguration config, ushort remotePort, int? remoteMaxMessageSize) => config.Sctp with
    {
        LocalPort = (ushort)Sdp.SctpMediaSection.DefaultSctpPort,
        RemotePort = remotePort,
        RemoteMaxMessageSize = remoteMaxMessageSize,
        // The window must hold a whole message of the size we advertise.
        ReceiveWindow = Math.Max(config.Sctp.ReceiveWindow, (uint)config.Sctp.MaxMessageSize),
        DeliverMessagesAsEvents = true,
    };
}

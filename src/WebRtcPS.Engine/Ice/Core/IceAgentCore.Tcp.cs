using System.Net;
using System.Text;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Ice;

// ICE-TCP (RFC 6544): host candidates of tcptype passive (a listener) and active (port 9, opens
// connections to the peer's passive candidates), their priorities (§4.2) and foundations, and
// the pairing rules (§6.2). The driver presents connections as sockets, so checks, nomination,
// consent and the transport run unchanged over them.
internal sealed partial class IceAgentCore
{
    /// <summary>RFC 6544 §4.2 direction-pref of host candidates that are not behind a NAT:
    /// active 6, passive 4 (S-O, 2, is not gathered).</summary>
    internal const int ActiveDirectionPreference = 6, PassiveDirectionPreference = 4;

    /// <summary>
    /// Local preference of a TCP candidate (RFC 6544 §4.2):
    /// <c>2^13 × direction-pref + other-pref</c>, other-pref (0-8191) ranking the interface
    /// addresses like the UDP local preference does. The largest value, 57,343, stays below the
    /// UDP host candidates' 65,535 − 256 × index for the first 32 addresses, so UDP is preferred.
    /// </summary>
    internal static ushort TcpLocalPreference(RTCIceTcpCandidateType tcpType, int addressIndex)
    {
        int direction = tcpType switch
        {
            RTCIceTcpCandidateType.Active => ActiveDirectionPreference,
            RTCIceTcpCandidateType.Passive => PassiveDirectionPreference,
            _ => 2,
        };
        int other = 8191 - Math.Clamp(addressIndex, 0, 8191);
        return (ushort)((direction << 13) + other);
    }

    /// <summary>A connection of a TCP candidate's socket opened (<paramref name="reason"/> null) or
    /// closed (with why): reported as an <see cref="IceTcpConnectionEvent"/>.</summary>
    public void TcpConnectionChanged(TimeSpan now, IceSocketId socket, IPEndPoint? localEnd, IPEndPoint remote, string? reason)
    {
        Begin(now);
        try
        {
            if (_state == RTCIceTransportState.Closed || !_bases.TryGetValue(socket, out var local)) return;
            Emit(new IceTcpConnectionEvent(Stamp, _now, local.Candidate, localEnd?.ToString(), remote.ToString(), reason is null, reason));
        }
        finally
        {
            End();
        }
    }

    private void AddTcpHostCandidate(IceSocketId socket, IPEndPoint endPoint, int addressIndex, RTCIceTcpCandidateType tcpType)
    {
        var candidate = new RTCIceCandidate
        {
            Foundation = TcpFoundation(RTCIceCandidateType.Host, endPoint.Address, tcpType),
            Component = 1,
            Protocol = RTCIceProtocol.Tcp,
            Priority = new CandidatePriority(CandidatePriority.HostTypePreference, TcpLocalPreference(tcpType, addressIndex), 1).Value,
            Address = HostCandidateAddress(endPoint.Address),
            Port = endPoint.Port,
            Type = RTCIceCandidateType.Host,
            TcpType = tcpType,
            UsernameFragment = _local.UsernameFragment,
        };
        AddLocalCandidate(new LocalCandidate(candidate, socket, endPoint, null));
    }

    /// <summary>A foundation for a TCP candidate: like <see cref="CandidatePriority.ComputeFoundation"/>
    /// (so distinct from UDP ones), and distinct per tcptype too, as active and passive
    /// candidates on one address reach different peers' candidates.</summary>
    internal static string TcpFoundation(RTCIceCandidateType type, IPAddress baseAddress, RTCIceTcpCandidateType? tcpType)
    {
        var key = $"{type}|{baseAddress}|{RTCIceProtocol.Tcp}||{tcpType}";
        return Crc32.Compute(Encoding.UTF8.GetBytes(key)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Pairing rules (RFC 6544 §6.2): the same transport; for TCP, an active local candidate with a
    /// passive remote one (we connect; a passive one first heard of through a check on our
    /// connection to it, as after a restart, counts too), and a passive local candidate with an
    /// active remote one that has connected (learned from its check as peer-reflexive, with its
    /// real source port; the signalled active candidate, port 9, cannot be sent to). Never
    /// active↔active or passive↔passive; simultaneous-open is not supported.
    /// </summary>
    private static bool TransportsPair(LocalCandidate local, RemoteCandidate remote)
    {
        var l = local.Candidate;
        var r = remote.Candidate;
        if (l.Protocol != r.Protocol) return false;
        if (l.Protocol == RTCIceProtocol.Udp) return true;
        return l.TcpType switch
        {
            RTCIceTcpCandidateType.Active => r.TcpType == RTCIceTcpCandidateType.Passive,
            RTCIceTcpCandidateType.Passive => r.TcpType == RTCIceTcpCandidateType.Active && r.Type == RTCIceCandidateType.Prflx,
            _ => false,
        };
    }

    /// <summary>Why a signalled TCP candidate is refused, or null when it can be used.</summary>
    private string? RejectTcpReason(RTCIceCandidate candidate)
    {
        if (candidate.Protocol != RTCIceProtocol.Tcp) return null;
        if (!_options.EnableTcp) return "TCP candidates are not enabled (IceAgentOptions.EnableTcp)";
        return candidate.TcpType switch
        {
            RTCIceTcpCandidateType.Active or RTCIceTcpCandidateType.Passive => null,
            RTCIceTcpCandidateType.So => "tcptype so (simultaneous-open) is not supported",
            _ => "TCP candidate without a tcptype (RFC 6544 §4.5)",
        };
    }

    /// <summary>A remote candidate learned from a check on a TCP connection takes the opposite
    /// tcptype of the local candidate it reached (RFC 6544 §7.2).</summary>
    private static RTCIceTcpCandidateType? PeerReflexiveTcpType(LocalCandidate? local) => local?.Candidate.TcpType switch
    {
        RTCIceTcpCandidateType.Passive => RTCIceTcpCandidateType.Active,
        RTCIceTcpCandidateType.Active => RTCIceTcpCandidateType.Passive,
        _ => null,
    };
}

using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// The likely reason no pair connected, found from what the agent learned: the candidates each
/// side gathered (types, addresses, server-reflexive mappings), the STUN/TURN servers given and
/// how they answered, and what the checks got back. Pure: the same diagnostics give the same text.
/// The NAT vocabulary is RFC 4787's (mapping and filtering behaviour); the remedies name the TURN
/// transport (RFC 8656) that gets through.
/// </summary>
internal static class IceFailureDiagnosis
{
    /// <summary>One or more causes, most decisive first, joined by "; " (no final period); null
    /// when a pair is selected.</summary>
    public static string? Diagnose(IceDiagnostics d)
    {
        if (d.SelectedPair is not null) return null;
        var causes = new List<string>();
        var local = d.LocalCandidates;
        var remote = d.RemoteCandidates;
        bool localRelay = local.Any(c => c.Type == RTCIceCandidateType.Relay);
        bool localSrflx = local.Any(c => c.Type == RTCIceCandidateType.Srflx);

        TurnProblems(d, localRelay, causes, credentials: true);
        bool udpSilent = UdpSilent(d, localSrflx);
        if (udpSilent && !localRelay)
        {
            var servers = string.Join(", ", d.StunServers);
            causes.Add($"UDP seems blocked here: no STUN answer from {servers}; where only TCP gets out, use TURN over TCP or TLS " +
                       "(turn:HOST:3478?transport=tcp, or turns:HOST:443, which passes most firewalls)");
        }
        TurnProblems(d, localRelay, causes, credentials: false, udpSilent);
        if (local.Count == 0)
        {
            causes.Add(d.RelayConfigured
                ? "no local candidate was gathered: relay-only, and no TURN allocation succeeded"
                : "no local candidate was gathered (no usable network interface?)");
        }
        if (d.UnresolvedMdnsNames.Count > 0) causes.Add(MdnsUnresolved(d));
        if (remote.Count == 0 && d.UnresolvedMdnsNames.Count == 0)
        {
            causes.Add("the peer sent no candidate: its gathering failed (a relay-only peer whose TURN allocation failed, or a peer where UDP is " +
                       "blocked and no TURN over TCP/TLS was given), or its candidates were lost in signaling");
        }
        if (causes.Count > 0 && (local.Count == 0 || remote.Count == 0)) return string.Join("; ", causes);

        var pairs = d.Pairs;
        var valid = pairs.Count(p => p.State == RTCIceCandidatePairState.Succeeded);
        bool anyIn = pairs.Any(p => p.RequestsReceived > 0);
        bool anyAnswer = pairs.Any(p => p.ResponsesReceived > 0);
        if (valid > 0)
        {
            causes.Add(d.Role == RTCIceRole.Controlled
                ? $"{valid} pair(s) work, but the controlling peer nominated none"
                : $"{valid} pair(s) work, but nomination did not complete");
        }
        else if (pairs.Any(p => p.LastResult?.StartsWith("error 401", StringComparison.Ordinal) == true))
        {
            causes.Add("the peer answered our checks with 401 Unauthorized: the ICE credentials differ (a stale offer or answer?)");
        }
        else if (anyIn && !anyAnswer)
        {
            causes.Add("the peer's checks arrive but none of ours is answered: traffic passes in one direction only (a firewall, or a NAT that filters our path)");
        }
        else if (!anyIn && !anyAnswer && !udpSilent)
        {
            causes.Add(NothingGotThrough(d, localRelay, localSrflx));
        }
        if (causes.Count == 0) causes.Add("no candidate pair got an answer (see the pairs)");
        return string.Join("; ", causes);
    }

    /// <summary>The peer hid its host addresses behind ".local" names (as browsers do) and nobody
    /// answered our mDNS queries: multicast DNS (RFC 6762) reaches only the local link.</summary>
    private static string MdnsUnresolved(IceDiagnostics d)
    {
        var names = string.Join(", ", d.UnresolvedMdnsNames.Take(3)) + (d.UnresolvedMdnsNames.Count > 3 ? ", ..." : "");
        return $"the peer's host candidates are mDNS names ({names}) that did not resolve here: mDNS (multicast to 224.0.0.251 / ff02::fb, " +
               "UDP port 5353) answers only on the same link, so the peer is on another network, or multicast is filtered between you " +
               "(a firewall on UDP 5353, Wi-Fi client isolation); across networks the peer needs server-reflexive or relayed candidates " +
               "(STUN/TURN servers on both sides), or turn its mDNS hiding off";
    }

    /// <summary>TURN servers that failed, when no relayed candidate came from any of them.</summary>
    private static void TurnProblems(IceDiagnostics d, bool localRelay, List<string> causes, bool credentials, bool udpSilent = false)
    {
        foreach (var e in d.CandidateErrors.Where(e => IsTurn(e.Url)).DistinctBy(e => e.Url))
        {
            if (e.ErrorCode == 401)
            {
                if (credentials) causes.Add($"the TURN server {e.Url} refused the credentials (401): check the user name and password");
                continue;
            }
            if (localRelay || credentials) continue;
            bool overUdp = !e.Url.StartsWith("turns:", StringComparison.OrdinalIgnoreCase) && !e.Url.Contains("transport=tcp", StringComparison.OrdinalIgnoreCase);
            if (e.ErrorText.StartsWith("TLS", StringComparison.OrdinalIgnoreCase))
                causes.Add($"the TLS handshake with the TURN server {e.Url} failed ({e.ErrorText}): is its certificate trusted?");
            else if (e.ErrorCode == 701)
                causes.Add(overUdp
                    ? $"the TURN server {e.Url} did not answer over UDP ({e.ErrorText})"
                    : $"the TURN server {e.Url} could not be reached ({e.ErrorText}): is its port open from here?");
            else
                causes.Add($"the TURN server {e.Url} gave no relay: {e.ErrorText}");
        }
        if (credentials || localRelay || !d.RelaysPending || d.CandidateErrors.Any(e => IsTurn(e.Url))) return;
        // Allocations still under way at the verdict: the server has not answered (a TURN client
        // retransmits for much longer than ICE waits).
        var pending = d.TurnServers.Count == 0 ? "the TURN server" : $"the TURN server{(d.TurnServers.Count > 1 ? "s" : "")} {string.Join(", ", d.TurnServers)}";
        var udp = d.TurnServers.Where(u => !u.StartsWith("turns:", StringComparison.OrdinalIgnoreCase) && !u.Contains("transport=tcp", StringComparison.OrdinalIgnoreCase)).ToList();
        causes.Add(udp.Count > 0 && udp.Count == d.TurnServers.Count
            ? udpSilent
                ? $"{pending} did not answer over UDP either"
                : $"{pending} did not answer over UDP: UDP seems blocked here; where only TCP gets out, use TURN over TCP or TLS " +
                  "(turn:HOST:3478?transport=tcp, or turns:HOST:443, which passes most firewalls)"
            : $"{pending} had not given a relay yet (no answer: is its port open from here?)");
    }

    /// <summary>No answer over UDP from any STUN server, and no server-reflexive candidate.</summary>
    private static bool UdpSilent(IceDiagnostics d, bool localSrflx)
    {
        if (localSrflx || d.StunServers.Count == 0) return false;
        var stunErrors = d.CandidateErrors.Where(e => !IsTurn(e.Url)).ToList();
        return stunErrors.Count > 0 && stunErrors.All(e => e.ErrorCode == 701 && e.ErrorText.StartsWith("no response", StringComparison.Ordinal));
    }

    /// <summary>Not one check got through in either direction: what the candidates say about why.</summary>
    private static string NothingGotThrough(IceDiagnostics d, bool localRelay, bool localSrflx)
    {
        var local = d.LocalCandidates;
        var remote = d.RemoteCandidates;
        bool remoteRelay = remote.Any(c => c.Type == RTCIceCandidateType.Relay);
        bool remoteSrflx = remote.Any(c => c.Type is RTCIceCandidateType.Srflx or RTCIceCandidateType.Prflx);
        bool localOnlyHost = !localSrflx && !localRelay;
        bool remoteOnlyHost = !remoteSrflx && !remoteRelay;
        string noTurn = d.RelayConfigured ? "no TURN relay could be used" : "no TURN server was given";

        if (localRelay || remoteRelay)
        {
            if (remoteOnlyHost)
                return $"the peer gathered only {HostText(remote)} and no server-reflexive or relayed candidate, which our relay cannot reach: " +
                       "the peer cannot reach the STUN/TURN servers or was given none (UDP blocked on its side? then TURN over TCP or TLS there)";
            return "not even the relayed pairs got an answer: the relayed addresses are unreachable (a firewall toward the TURN server's relay ports?)";
        }
        if (localOnlyHost && remoteOnlyHost)
        {
            var none = d.StunServers.Count == 0 && !d.RelayConfigured ? " (no STUN or TURN server was given here)" : "";
            return $"neither side has a server-reflexive or relayed candidate{none}: {HostText(local)} here and {HostText(remote)} on the peer " +
                   "reach each other only on one network or between public addresses; behind NATs both sides need a STUN server, and a TURN server for symmetric NATs";
        }
        if (remoteOnlyHost)
        {
            return $"the peer gathered only {HostText(remote)} and no server-reflexive or relayed candidate: behind a NAT it needs a STUN server " +
                   "(if it has one, UDP seems blocked on its side: then TURN over TCP or TLS), and a TURN server where a NAT is symmetric";
        }
        if (localOnlyHost)
        {
            var why = d.StunServers.Count == 0 ? " (no STUN server was given here)" : "";
            return $"this side gathered only {HostText(local)} and no server-reflexive candidate{why}: behind a NAT it needs a STUN server, " +
                   "and a TURN server where a NAT is symmetric";
        }

        // Both sides have server-reflexive addresses, checks went out both ways, nothing passed.
        var localSym = SymmetricEvidence(local);
        var remoteSym = SymmetricEvidence(remote);
        if (localSym is not null && remoteSym is not null)
            return $"both sides are behind address-and-port-dependent (symmetric) NATs (the STUN servers saw {localSym} for one socket here, {remoteSym} on the peer) " +
                   $"and {noTurn}: only a relay connects them; add a TURN server (turn: over UDP, or TCP/TLS where UDP is blocked)";
        if (localSym is not null)
            return $"this side is behind an address-and-port-dependent (symmetric) NAT (the STUN servers saw {localSym} for one socket) and the peer's NAT " +
                   $"filters by address and port, so no hole can be punched, and {noTurn}: add a TURN server";
        if (remoteSym is not null)
            return $"the peer is behind an address-and-port-dependent (symmetric) NAT (its STUN servers saw {remoteSym} for one socket) and this side's NAT " +
                   $"filters by address and port, so no hole can be punched, and {noTurn}: add a TURN server";
        return "both sides have server-reflexive addresses but no check got through in either direction: at least one NAT maps each destination " +
               $"to a new port (address-and-port-dependent, 'symmetric') and the other filters by address and port, and {noTurn}: add a TURN server " +
               "(two STUN servers in the configuration show which side maps per destination)";
    }

    /// <summary>"X and Y": server-reflexive candidates of one base with different mapped
    /// endpoints mean the NAT maps per destination (RFC 4787 §4.1, APDM); null otherwise.</summary>
    private static string? SymmetricEvidence(IReadOnlyList<RTCIceCandidate> candidates)
    {
        foreach (var group in candidates.Where(c => c.Type == RTCIceCandidateType.Srflx && c.RelatedAddress is not null)
                                        .GroupBy(c => (c.RelatedAddress, c.RelatedPort)))
        {
            var mapped = group.Select(c => $"{c.Address}:{c.Port}").Distinct().ToList();
            if (mapped.Count > 1) return string.Join(" and ", mapped);
        }
        return null;
    }

    private static string HostText(IReadOnlyList<RTCIceCandidate> candidates)
    {
        var hosts = candidates.Where(c => c.Type == RTCIceCandidateType.Host).Select(c => c.Address).Distinct().ToList();
        if (hosts.Count == 0) return "no address";
        bool allPrivate = hosts.All(IsPrivate);
        return $"{(allPrivate ? "private" : "host")} address{(hosts.Count > 1 ? "es" : "")} ({string.Join(", ", hosts)})";
    }

    /// <summary>Addresses no NAT maps to on the Internet: RFC 1918, shared (RFC 6598), loopback,
    /// link-local, unique-local (RFC 4193).</summary>
    internal static bool IsPrivate(string address)
    {
        if (!IPAddress.TryParse(address, out var ip)) return false;
        if (IPAddress.IsLoopback(ip)) return true;
        if (ip.AddressFamily == AddressFamily.InterNetworkV6) return ip.IsIPv6LinkLocal || ip.IsIPv6UniqueLocal;
        var b = ip.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) ||
               (b[0] == 100 && b[1] is >= 64 and <= 127) || (b[0] == 169 && b[1] == 254);
    }

    private static bool IsTurn(string url) => url.StartsWith("turn", StringComparison.OrdinalIgnoreCase);
}

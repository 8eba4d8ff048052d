using System.Globalization;
using System.Net;

namespace WebRtcPS.Engine.Nat;

/// <summary>
/// The NAT behaviour decisions of RFC 5780 §4.3-4.5 over observations: no I/O, no clock, so
/// every branch is tested with scripted observations. Where the observations cannot support a
/// conclusion the behaviour is Unknown and <see cref="NatBehaviorReport.Reason"/> says why.
/// </summary>
internal static class NatBehaviorRules
{
    public static NatBehaviorReport Decide(NatObservations o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var reasons = new List<string>();
        var test1 = o.MappingTest1;
        var mapped = test1.IsAnswered ? test1.Mapped : null;
        var other = test1.IsAnswered ? test1.OtherAddress : null;
        // Nothing back on two sockets: UDP is blocked (or the server is down; TCP tells them apart).
        bool udpBlocked = test1.Outcome == NatProbeOutcome.NoAnswer && o.FilteringTest1.Outcome is NatProbeOutcome.NoAnswer or NatProbeOutcome.NotRun;
        bool? tcpReachable = o.TcpPorts.Count == 0 ? null : o.TcpPorts.Any(p => p.Outcome == NatTcpOutcome.Open);

        var mapping = NatMappingBehavior.Unknown;
        var filtering = NatFilteringBehavior.Unknown;
        if (udpBlocked)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"no answer over UDP from {o.Server} within {o.Timeout.TotalSeconds:0.#} s ({test1.RequestsSent} request(s) from each of two sockets)"));
        }
        else if (!test1.IsAnswered)
        {
            reasons.Add(Failed(test1, o.Timeout));
        }
        else if (mapped is null)
        {
            reasons.Add($"{test1.Name}: the answer carried no (XOR-)MAPPED-ADDRESS");
        }
        else
        {
            // §4.3: the server saw our own address and port, so there is no NAT (RFC 5780 not needed).
            bool noNat = Same(mapped, o.Local);
            if (other is null)
            {
                reasons.Add($"{o.Server} sent no OTHER-ADDRESS: it does not support RFC 5780 NAT behaviour discovery " +
                    "(coturn does only when it listens on two IP addresses), so " + (noNat ? "filtering" : "mapping and filtering") + " cannot be measured");
                mapping = noNat ? NatMappingBehavior.NoNat : NatMappingBehavior.Unknown;
            }
            else
            {
                mapping = noNat ? NatMappingBehavior.NoNat : DecideMapping(o, mapped, other, reasons);
                filtering = DecideFiltering(o, reasons);
            }
        }

        var verdict = udpBlocked
            ? tcpReachable switch { true => NatVerdict.TurnOverTcp, false => NatVerdict.NoConnectivity, null => NatVerdict.Unknown }
            : mapping switch
            {
                NatMappingBehavior.NoNat or NatMappingBehavior.EndpointIndependent =>
                    filtering is NatFilteringBehavior.EndpointIndependent or NatFilteringBehavior.AddressDependent ? NatVerdict.Direct : NatVerdict.DirectUnlessOtherSideSymmetric,
                NatMappingBehavior.AddressDependent or NatMappingBehavior.AddressAndPortDependent => NatVerdict.TurnWhenOtherSidePortRestrictedOrSymmetric,
                _ => NatVerdict.Unknown,
            };

        return new NatBehaviorReport
        {
            StunServer = o.StunServer,
            ServerAddress = o.Server,
            OtherAddress = other,
            LocalAddress = o.Local,
            MappedAddress = mapped,
            MappingBehavior = mapping,
            FilteringBehavior = filtering,
            Hairpinning = mapped is null ? null : o.HairpinReceived,
            PortPreserved = mapped is null ? null : mapped.Port == o.Local.Port,
            UdpBlocked = udpBlocked,
            TcpReachable = tcpReachable,
            TcpPorts = o.TcpPorts,
            Rfc5780Supported = other is not null,
            Verdict = verdict,
            VerdictText = VerdictText(verdict, mapping, filtering, udpBlocked, mapped is not null, o.TcpPorts),
            Reason = reasons.Count == 0 ? null : string.Join("; ", reasons),
            Probes = o.Probes,
            Timestamp = o.Timestamp,
            Elapsed = o.Elapsed,
        };
    }

    /// <summary>§4.3 tests II and III (test I showed a NAT).</summary>
    private static NatMappingBehavior DecideMapping(NatObservations o, IPEndPoint mapped, IPEndPoint other, List<string> reasons)
    {
        if (SameAddress(other.Address, o.Server.Address))
        {
            reasons.Add($"OTHER-ADDRESS {other} has the IP of the address asked ({o.Server}), so the server's second IP is unknown " +
                "and the mapping test cannot run (coturn answers so when asked at its second address: ask it at its first)");
            return NatMappingBehavior.Unknown;
        }
        var test2 = o.MappingTest2;
        if (test2.Mapped is null || !test2.IsAnswered)
        {
            reasons.Add(Failed(test2, o.Timeout));
            return NatMappingBehavior.Unknown;
        }
        if (Same(test2.Mapped, mapped)) return NatMappingBehavior.EndpointIndependent;
        var test3 = o.MappingTest3;
        if (test3.Mapped is null || !test3.IsAnswered)
        {
            reasons.Add(Failed(test3, o.Timeout));
            return NatMappingBehavior.Unknown;
        }
        return Same(test3.Mapped, test2.Mapped) ? NatMappingBehavior.AddressDependent : NatMappingBehavior.AddressAndPortDependent;
    }

    /// <summary>§4.4 tests II and III, on a socket whose only flow is test I to the server. The
    /// response's real source is checked, so a server that ignores CHANGE-REQUEST is not taken
    /// for an open filter.</summary>
    private static NatFilteringBehavior DecideFiltering(NatObservations o, List<string> reasons)
    {
        var server = o.Server;
        var test1 = o.FilteringTest1;
        if (!test1.IsAnswered)
        {
            reasons.Add(Failed(test1, o.Timeout));
            return NatFilteringBehavior.Unknown;
        }
        var test2 = o.FilteringTest2;
        switch (test2.Outcome)
        {
            case NatProbeOutcome.Answered:
                if (test2.Source is { } s2 && !SameAddress(s2.Address, server.Address) && s2.Port != server.Port) return NatFilteringBehavior.EndpointIndependent;
                reasons.Add($"{test2.Name}: the answer to CHANGE-REQUEST (change IP and port) came from {test2.Source}, not from the server's alternate address and port; the server did not honour it");
                return NatFilteringBehavior.Unknown;
            case NatProbeOutcome.NoAnswer:
                break;
            default:
                reasons.Add(Failed(test2, o.Timeout));
                return NatFilteringBehavior.Unknown;
        }
        var test3 = o.FilteringTest3;
        switch (test3.Outcome)
        {
            case NatProbeOutcome.NoAnswer:
                return NatFilteringBehavior.AddressAndPortDependent;
            case NatProbeOutcome.Answered:
                if (test3.Source is { } s3 && SameAddress(s3.Address, server.Address) && s3.Port != server.Port) return NatFilteringBehavior.AddressDependent;
                reasons.Add($"{test3.Name}: the answer to CHANGE-REQUEST (change port) came from {test3.Source}, not from the server's address with its alternate port; the server did not honour it");
                return NatFilteringBehavior.Unknown;
            default:
                reasons.Add(Failed(test3, o.Timeout));
                return NatFilteringBehavior.Unknown;
        }
    }

    private static string Failed(NatProbe probe, TimeSpan timeout)
    {
        var to = probe.Destination is null ? "" : $" to {probe.Destination}";
        return probe.Outcome switch
        {
            NatProbeOutcome.NoAnswer => string.Create(CultureInfo.InvariantCulture, $"{probe.Name}{to}: no answer within {timeout.TotalSeconds:0.#} s"),
            NatProbeOutcome.ErrorResponse => $"{probe.Name}{to}: the server answered error {probe.ErrorCode} {probe.ErrorReason}".TrimEnd() +
                (probe.ErrorCode == 420 && probe.Change is not null ? " (it does not support CHANGE-REQUEST, RFC 5780)" : ""),
            NatProbeOutcome.NotRun => $"{probe.Name} was not run",
            _ => $"{probe.Name}{to}: the answer carried no (XOR-)MAPPED-ADDRESS",
        };
    }

    /// <summary>The verdict in plain words, for a network engineer.</summary>
    private static string VerdictText(NatVerdict verdict, NatMappingBehavior mapping, NatFilteringBehavior filtering, bool udpBlocked, bool stunWorks, IReadOnlyList<NatTcpPortResult> tcpPorts)
    {
        bool noNat = mapping == NatMappingBehavior.NoNat;
        return verdict switch
        {
            NatVerdict.Direct => noNat
                ? filtering == NatFilteringBehavior.EndpointIndependent
                    ? "No NAT and no filtering: direct connections possible"
                    : "No NAT: direct connections possible"
                : "Direct connections possible with STUN",
            NatVerdict.DirectUnlessOtherSideSymmetric => filtering == NatFilteringBehavior.Unknown
                ? (noNat ? "No NAT: direct connections possible" : "Direct connections possible with STUN") +
                    "; filtering unknown, so TURN may be needed when the other side is symmetric"
                : (noNat ? "No NAT, but a firewall filters by address and port: direct connections possible" : "Direct connections possible with STUN") +
                    "; needs TURN when the other side is symmetric",
            NatVerdict.TurnWhenOtherSidePortRestrictedOrSymmetric =>
                (mapping == NatMappingBehavior.AddressAndPortDependent ? "Symmetric NAT" : "NAT with address-dependent mapping") +
                ": needs TURN when the other side is symmetric or port-restricted",
            NatVerdict.TurnOverTcp =>
                $"UDP is blocked: needs TURN over TCP/TLS (TCP {string.Join(", ", tcpPorts.Where(p => p.Outcome == NatTcpOutcome.Open).Select(p => p.Port))} open)",
            NatVerdict.NoConnectivity => "UDP is blocked and the TURN ports do not answer over TCP: no WebRTC connection through this server (is it down, or TCP blocked too?)",
            _ => udpBlocked
                ? "No answer over UDP: UDP is blocked or the server is down (no TURN port was tried over TCP)"
                : !stunWorks
                    ? "The STUN server's answer gave no mapped address, so nothing could be measured (see Reason)"
                : mapping == NatMappingBehavior.Unknown && filtering == NatFilteringBehavior.Unknown
                    ? "STUN works, but the NAT's behaviour was not measured, so whether TURN is needed cannot be told (see Reason)"
                    : "Not enough was measured to tell whether TURN is needed (see Reason)",
        };
    }

    /// <summary>Endpoints equal, an IPv4-mapped IPv6 address counting as its IPv4 address.</summary>
    internal static bool Same(IPEndPoint a, IPEndPoint b) => a.Port == b.Port && SameAddress(a.Address, b.Address);

    internal static bool SameAddress(IPAddress a, IPAddress b) =>
        (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(b.IsIPv4MappedToIPv6 ? b.MapToIPv4() : b);
}

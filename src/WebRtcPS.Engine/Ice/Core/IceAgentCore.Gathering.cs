using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Ice;

// Gathering (RFC 8445 §5.1.1): host candidates on the sockets the driver opens, then
// server-reflexive (.ServerReflexive) and relayed (.Relay) ones; priorities and foundations per
// §5.1.2 and §5.1.1.3. Gathering is complete when nothing is pending any more.
internal sealed partial class IceAgentCore
{
    private IReadOnlyList<IPAddress> _hostAddresses = [];
    private int _pendingGather;
    private bool _relaysPending;

    /// <summary>Starts gathering on the machine's interface addresses: the usable ones are picked
    /// here and a <see cref="OpenHostSocketsRequest"/> asks the driver for their sockets.</summary>
    public void StartGathering(TimeSpan now, IReadOnlyList<IceNetworkAddress> interfaces)
    {
        Begin(now);
        try
        {
            if (_gatheringState != RTCIceGatheringState.New || _state == RTCIceTransportState.Closed) return;
            SetGatheringState(RTCIceGatheringState.Gathering);
            _hostAddresses = SelectHostAddresses(interfaces);
            _pendingGather++;
            Requests.Add(new OpenHostSocketsRequest(_hostAddresses, Udp: !_options.DisableUdp, Tcp: _options.EnableTcp));
        }
        finally
        {
            End();
        }
    }

    /// <summary>A host socket is open: its candidate. <paramref name="addressIndex"/> is the
    /// address's place in the <see cref="OpenHostSocketsRequest"/> (its rank).</summary>
    public void HostSocketOpened(TimeSpan now, IceSocketId socket, IPEndPoint endPoint, int addressIndex, RTCIceProtocol protocol, RTCIceTcpCandidateType? tcpType = null)
    {
        Begin(now);
        try
        {
            if (protocol == RTCIceProtocol.Tcp)
            {
                AddTcpHostCandidate(socket, endPoint, addressIndex, tcpType ?? RTCIceTcpCandidateType.Passive);
                return;
            }
            // Distinct local preferences per address (RFC 8445 §5.1.2.1), IPv6 first (RFC 8421).
            var localPreference = (ushort)(CandidatePriority.MaxLocalPreference - 256 * addressIndex);
            var candidate = new RTCIceCandidate
            {
                Foundation = CandidatePriority.ComputeFoundation(RTCIceCandidateType.Host, _hostAddresses[addressIndex], RTCIceProtocol.Udp),
                Component = 1,
                Protocol = RTCIceProtocol.Udp,
                Priority = new CandidatePriority(CandidatePriority.HostTypePreference, localPreference, 1).Value,
                Address = HostCandidateAddress(endPoint.Address),
                Port = endPoint.Port,
                Type = RTCIceCandidateType.Host,
                UsernameFragment = _local.UsernameFragment,
            };
            AddLocalCandidate(new LocalCandidate(candidate, socket, endPoint, null));
        }
        finally
        {
            End();
        }
    }

    /// <summary>A host socket could not be opened: reported as a candidate error.</summary>
    public void HostSocketFailed(TimeSpan now, string localAddress, string error)
    {
        Begin(now);
        try
        {
            Emit(new IceCandidateErrorEvent(Stamp, _now, "", localAddress, null, error));
        }
        finally
        {
            End();
        }
    }

    /// <summary>Every host socket of the request is answered: on to STUN servers and relays.</summary>
    public void HostSocketsDone(TimeSpan now)
    {
        Begin(now);
        try
        {
            _pendingGather--;
            foreach (var text in _options.IceServers)
            {
                var uri = IceServerUri.Parse(text);
                if (!uri.IsStun) continue;
                if (IPAddress.TryParse(uri.Host, out var ip))
                {
                    StartStunGathering(uri, new IPEndPoint(ip, uri.Port));
                    continue;
                }
                _pendingGather++;
                Requests.Add(new ResolveStunServerRequest(uri));
            }
            if (_options.RelaySource is not null)
            {
                _pendingGather++;
                _relaysPending = true;
                Requests.Add(AllocateRelaysRequest.Instance);
            }
            MaybeCompleteGathering();
        }
        finally
        {
            End();
        }
    }

    /// <summary>Usable interface addresses, best first: no IPv6 link-local (useless across
    /// hosts), loopback only when asked for or when nothing else exists.</summary>
    private List<IPAddress> SelectHostAddresses(IReadOnlyList<IceNetworkAddress> interfaces)
    {
        var usable = interfaces
            .Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork ||
                        (a.Address.AddressFamily == AddressFamily.InterNetworkV6 && _options.EnableIPv6 &&
                         !a.Address.IsIPv6LinkLocal && !a.Address.IsIPv6Multicast && !a.Address.IsIPv4MappedToIPv6))
            .Where(a => _options.InterfaceFilter?.Invoke(a) ?? true)
            .DistinctBy(a => a.Address)
            .ToList();
        bool onlyLoopback = usable.All(a => a.IsLoopback);
        return usable
            .Where(a => !a.IsLoopback || _options.IncludeLoopback || onlyLoopback)
            .OrderBy(a => a.IsLoopback)
            .ThenBy(a => a.Address.AddressFamily == AddressFamily.InterNetworkV6 ? 0 : 1)
            .Take(256)
            .Select(a => a.Address)
            .ToList();
    }

    private static string FormatAddress(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
            address = new IPAddress(address.GetAddressBytes());
        return address.ToString();
    }

    /// <summary>A host or relayed candidate: announced, paired with every remote candidate, and
    /// the base of what arrives on its socket.</summary>
    private void AddLocalCandidate(LocalCandidate local)
    {
        _locals.Add(local);
        if (local.IsPairable) _bases.TryAdd(local.Socket, local);
        PublishLocalCandidates();
        Emit(new IceCandidateGatheredEvent(Stamp, _now, local.Candidate, local.Url));
        if (local.Candidate.Type == RTCIceCandidateType.Relay) MarkPeerReflexiveOnRelayAddresses();
        if (!local.IsPairable) return;
        foreach (var remote in _remotes) AddPair(local, remote, out _);
    }

    private void PublishLocalCandidates() =>
        _localCandidatesView = _locals.Where(l => l.Candidate.Type != RTCIceCandidateType.Prflx).Select(l => l.Candidate).ToArray();

    private void MaybeCompleteGathering()
    {
        if (_gatheringState != RTCIceGatheringState.Gathering) return;
        if (_pendingGather > 0 || _transactions.Values.Any(t => t.Kind == IceTransactionKind.Gather)) return;
        SetGatheringState(RTCIceGatheringState.Complete);
        Emit(new IceEndOfCandidatesEvent(Stamp, _now));
    }
}

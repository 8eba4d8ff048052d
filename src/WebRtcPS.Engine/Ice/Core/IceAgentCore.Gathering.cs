using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Ice;

// Gathering (RFC 8445 §5.1.1): host candidates on the sockets the driver opens, server-reflexive
// ones via STUN, relayed ones from the relay source; priorities and foundations per §5.1.2 and
// §5.1.1.3. Gathering is complete when nothing is pending any more.
internal sealed partial class IceAgentCore
{
    private IReadOnlyList<IPAddress> _hostAddresses = [];
    private int _pendingGather;

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
                Address = FormatAddress(endPoint.Address),
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
                Requests.Add(AllocateRelaysRequest.Instance);
            }
            MaybeCompleteGathering();
        }
        finally
        {
            End();
        }
    }

    /// <summary>A STUN server's name resolved (or not: no addresses, and why).</summary>
    public void StunServerResolved(TimeSpan now, IceServerUri server, IReadOnlyList<IPAddress> addresses, string? error)
    {
        Begin(now);
        try
        {
            _pendingGather--;
            if (addresses.Count == 0)
            {
                Emit(new IceCandidateErrorEvent(Stamp, _now, server.ToString(), "", 701, $"cannot resolve {server.Host}: {error ?? "no address"}"));
            }
            // One address per family is enough to learn the mapping.
            foreach (var address in addresses.DistinctBy(a => a.AddressFamily)) StartStunGathering(server, new IPEndPoint(address, server.Port));
            MaybeCompleteGathering();
        }
        finally
        {
            End();
        }
    }

    /// <summary>A relay allocation (RFC 8656) is ready on <paramref name="socket"/>: a relayed
    /// candidate. One carrying an error, or arriving after close, is refused and its socket released.</summary>
    public void RelayReady(TimeSpan now, IceSocketId socket, RelayAllocation allocation)
    {
        Begin(now);
        try
        {
            if (allocation.Error is not null || allocation.RelayedAddress is null)
            {
                Emit(new IceCandidateErrorEvent(Stamp, _now, allocation.Url ?? "turn", allocation.MappedAddress?.ToString() ?? "", null, allocation.Error ?? "allocation without a relayed address"));
                Requests.Add(new CloseSocketRequest(socket));
                return;
            }
            if (_state == RTCIceTransportState.Closed)
            {
                Requests.Add(new CloseSocketRequest(socket));
                return;
            }
            int index = _locals.Count(l => l.Candidate.Type == RTCIceCandidateType.Relay);
            var relayed = allocation.RelayedAddress;
            var candidate = new RTCIceCandidate
            {
                Foundation = CandidatePriority.ComputeFoundation(RTCIceCandidateType.Relay, allocation.MappedAddress?.Address ?? relayed.Address, allocation.ServerTransport, allocation.ServerAddress),
                Component = 1,
                Protocol = RTCIceProtocol.Udp,
                Priority = new CandidatePriority(CandidatePriority.RelayTypePreference, RelayLocalPreference(allocation, index), 1).Value,
                Address = FormatAddress(relayed.Address),
                Port = relayed.Port,
                Type = RTCIceCandidateType.Relay,
                RelatedAddress = allocation.MappedAddress is { } m ? FormatAddress(m.Address) : null,
                RelatedPort = allocation.MappedAddress?.Port,
                UsernameFragment = _local.UsernameFragment,
            };
            AddLocalCandidate(new LocalCandidate(candidate, socket, relayed, allocation.Url ?? allocation.ServerAddress?.ToString()));
        }
        finally
        {
            End();
        }
    }

    /// <summary>A relay allocation failed: a candidate error from <paramref name="url"/>.</summary>
    public void RelayFailed(TimeSpan now, string url, string localAddress, string error)
    {
        Begin(now);
        try
        {
            Emit(new IceCandidateErrorEvent(Stamp, _now, url, localAddress, null, error));
        }
        finally
        {
            End();
        }
    }

    /// <summary>The relay source has no more allocations to give.</summary>
    public void RelaysDone(TimeSpan now)
    {
        Begin(now);
        try
        {
            _pendingGather--;
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
        if (!local.IsPairable) return;
        foreach (var remote in _remotes) AddPair(local, remote, out _);
    }

    private void PublishLocalCandidates() =>
        _localCandidatesView = _locals.Where(l => l.Candidate.Type != RTCIceCandidateType.Prflx).Select(l => l.Candidate).ToArray();

    /// <summary>A Binding request from each host socket of the server's family (RFC 8445
    /// §5.1.1.2); the XOR-MAPPED-ADDRESS of the answer is the server-reflexive candidate.</summary>
    private void StartStunGathering(IceServerUri uri, IPEndPoint server)
    {
        if (_gatheringState != RTCIceGatheringState.Gathering) return;
        foreach (var local in _locals.ToList())
        {
            if (local.Candidate.Type != RTCIceCandidateType.Host || local.Candidate.Protocol != RTCIceProtocol.Udp || local.EndPoint.AddressFamily != server.AddressFamily) continue;
            // A loopback socket cannot reach a server elsewhere, nor the reverse.
            if (IPAddress.IsLoopback(local.EndPoint.Address) != IPAddress.IsLoopback(server.Address)) continue;
            var id = _random.NewTransactionId();
            var request = new StunMessageBuilder(StunMessageType.BindingRequest, id).AddFingerprint().ToArray();
            StartTransaction(new IceTransaction
            {
                Id = id,
                Kind = IceTransactionKind.Gather,
                Request = request,
                Socket = local.Socket,
                Destination = server,
                MaxRequests = _options.MaxStunRequests,
                MaxRto = _options.StunRto * 8,
                Rto = _options.StunRto,
                GatherBase = local,
                Url = uri.ToString(),
            }, _now);
        }
    }

    private void OnGatherResponse(IceTransaction t, StunMessage response)
    {
        var local = t.GatherBase!;
        if (response.Class == StunClass.ErrorResponse)
        {
            var error = response.TryGet(out ErrorCode code) ? code : new ErrorCode(StunErrorCodes.ServerError, "error response without ERROR-CODE");
            Emit(new IceCandidateErrorEvent(Stamp, _now, t.Url ?? "", local.EndPoint.ToString(), error.Code, error.Reason));
            return;
        }
        if (!response.TryGetXorAddress(out XorMappedAddress mapped) && !TryGetMappedAddress(response, out mapped))
        {
            Emit(new IceCandidateErrorEvent(Stamp, _now, t.Url ?? "", local.EndPoint.ToString(), null, "success response without a mapped address"));
            return;
        }
        var address = mapped.EndPoint;
        if (_locals.Any(l => l.Candidate.Type == RTCIceCandidateType.Srflx && l.EndPoint.Equals(address) && l.Socket == local.Socket)) return;
        // On loopback (and with no NAT) the mapping equals the host address. RFC 8445 §5.1.3
        // would drop it as redundant; it is still reported, since it shows the STUN server
        // answered, but never paired (pairs use the base, §6.1.2.4).
        var candidate = new RTCIceCandidate
        {
            Foundation = CandidatePriority.ComputeFoundation(RTCIceCandidateType.Srflx, local.EndPoint.Address, RTCIceProtocol.Udp, t.Destination.Address),
            Component = 1,
            Protocol = RTCIceProtocol.Udp,
            Priority = new CandidatePriority(CandidatePriority.ServerReflexiveTypePreference, local.Candidate.PriorityParts.LocalPreference, 1).Value,
            Address = FormatAddress(address.Address),
            Port = address.Port,
            Type = RTCIceCandidateType.Srflx,
            RelatedAddress = local.Candidate.Address,
            RelatedPort = local.Candidate.Port,
            UsernameFragment = _local.UsernameFragment,
        };
        AddLocalCandidate(new LocalCandidate(candidate, local.Socket, address, t.Url));
    }

    private static bool TryGetMappedAddress(StunMessage response, out XorMappedAddress mapped)
    {
        // Old servers (RFC 3489) answer with MAPPED-ADDRESS only.
        if (response.TryGet(out MappedAddress plain))
        {
            mapped = new XorMappedAddress(plain.EndPoint);
            return true;
        }
        mapped = default;
        return false;
    }

    /// <summary>
    /// Local preference of a relay candidate (RFC 8445 §5.1.2.1 leaves it to us): the transport to
    /// the TURN server ranks first — UDP over TCP over TLS, as browsers do, since each adds latency
    /// and head-of-line blocking — then the order in which allocations arrived.
    /// </summary>
    internal static ushort RelayLocalPreference(RelayAllocation allocation, int index)
    {
        var tls = allocation.Url?.StartsWith("turns:", StringComparison.OrdinalIgnoreCase) == true;
        int rank = allocation.ServerTransport == RTCIceProtocol.Udp ? 2 : tls ? 0 : 1;
        return (ushort)(rank * 21_845 + 21_844 - Math.Min(index, 84) * 256);
    }

    private void MaybeCompleteGathering()
    {
        if (_gatheringState != RTCIceGatheringState.Gathering) return;
        if (_pendingGather > 0 || _transactions.Values.Any(t => t.Kind == IceTransactionKind.Gather)) return;
        SetGatheringState(RTCIceGatheringState.Complete);
        Emit(new IceEndOfCandidatesEvent(Stamp, _now));
    }
}

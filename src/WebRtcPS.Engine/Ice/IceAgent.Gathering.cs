using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Ice;

// Gathering (RFC 8445 §5.1.1): host candidates, server-reflexive ones via STUN, relayed ones
// from the relay source; priorities and foundations per §5.1.2 and §5.1.1.3.
public sealed partial class IceAgent
{
    private void BeginGathering()
    {
        if (_gatheringState != RTCIceGatheringState.New || _state == RTCIceTransportState.Closed) return;
        SetGatheringState(RTCIceGatheringState.Gathering);
        var now = Now;

        var addresses = SelectHostAddresses();
        for (int i = 0; i < (_options.DisableUdp ? 0 : addresses.Count); i++)
        {
            var address = addresses[i].Address;
            IIcePacketSocket socket;
            try
            {
                socket = _network.BindUdp(new IPEndPoint(address, 0));
            }
            catch (SocketException ex)
            {
                Emit(new IceCandidateErrorEvent(Stamp, now, "", address.ToString(), null, $"cannot bind a UDP socket: {ex.Message}"));
                continue;
            }
            // Distinct local preferences per address (RFC 8445 §5.1.2.1), IPv6 first (RFC 8421).
            var localPreference = (ushort)(CandidatePriority.MaxLocalPreference - 256 * i);
            var endPoint = socket.LocalEndPoint;
            var candidate = new RTCIceCandidate
            {
                Foundation = CandidatePriority.ComputeFoundation(RTCIceCandidateType.Host, address, RTCIceProtocol.Udp),
                Component = 1,
                Protocol = RTCIceProtocol.Udp,
                Priority = new CandidatePriority(CandidatePriority.HostTypePreference, localPreference, 1).Value,
                Address = FormatAddress(endPoint.Address),
                Port = endPoint.Port,
                Type = RTCIceCandidateType.Host,
                UsernameFragment = _local.UsernameFragment,
            };
            var local = new LocalCandidate(candidate, socket, endPoint, null);
            AddLocalCandidate(local);
            StartReceiver(local);
        }
        if (_options.EnableTcp) GatherTcpHostCandidates(addresses, now);

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
            _ = ResolveServerAsync(uri);
        }

        if (_options.RelaySource is { } relaySource)
        {
            _pendingGather++;
            _ = GatherRelayedAsync(relaySource);
        }
        MaybeCompleteGathering();
    }

    /// <summary>Usable interface addresses, best first: no IPv6 link-local (useless across
    /// hosts), loopback only when asked for or when nothing else exists.</summary>
    private List<IceNetworkAddress> SelectHostAddresses()
    {
        var usable = _network.GetLocalAddresses()
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
            .ToList();
    }

    private static string FormatAddress(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
            address = new IPAddress(address.GetAddressBytes());
        return address.ToString();
    }

    private void AddLocalCandidate(LocalCandidate local)
    {
        _locals.Add(local);
        PublishLocalCandidates();
        Emit(new IceCandidateGatheredEvent(Stamp, Now, local.Candidate, local.Url));
        if (!local.IsPairable) return;
        foreach (var remote in _remotes) AddPair(local, remote, out _);
    }

    private void PublishLocalCandidates() =>
        _publishedLocalCandidates = _locals.Where(l => l.Candidate.Type != RTCIceCandidateType.Prflx).Select(l => l.Candidate).ToArray();

    private async Task ResolveServerAsync(IceServerUri uri)
    {
        IPAddress[] addresses;
        string? error = null;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(uri.Host, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException or OperationCanceledException)
        {
            addresses = [];
            error = ex.Message;
        }
        _inputs.Writer.TryWrite(new Command(() =>
        {
            _pendingGather--;
            if (addresses.Length == 0)
            {
                Emit(new IceCandidateErrorEvent(Stamp, Now, uri.ToString(), "", 701, $"cannot resolve {uri.Host}: {error ?? "no address"}"));
            }
            // One address per family is enough to learn the mapping.
            foreach (var address in addresses.DistinctBy(a => a.AddressFamily)) StartStunGathering(uri, new IPEndPoint(address, uri.Port));
            MaybeCompleteGathering();
        }));
    }

    /// <summary>A Binding request from each host socket of the server's family (RFC 8445
    /// §5.1.1.2); the XOR-MAPPED-ADDRESS of the answer is the server-reflexive candidate.</summary>
    private void StartStunGathering(IceServerUri uri, IPEndPoint server)
    {
        if (_gatheringState != RTCIceGatheringState.Gathering) return;
        var now = Now;
        foreach (var local in _locals.ToList())
        {
            if (local.Candidate.Type != RTCIceCandidateType.Host || local.Candidate.Protocol != RTCIceProtocol.Udp || local.EndPoint.AddressFamily != server.AddressFamily) continue;
            // A loopback socket cannot reach a server elsewhere, nor the reverse.
            if (IPAddress.IsLoopback(local.EndPoint.Address) != IPAddress.IsLoopback(server.Address)) continue;
            var id = StunTransactionId.NewId();
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
            }, now);
        }
    }

    private void OnGatherResponse(IceTransaction t, StunMessage response)
    {
        var local = t.GatherBase!;
        if (response.Class == StunClass.ErrorResponse)
        {
            var error = response.TryGet(out ErrorCode code) ? code : new ErrorCode(StunErrorCodes.ServerError, "error response without ERROR-CODE");
            Emit(new IceCandidateErrorEvent(Stamp, Now, t.Url ?? "", local.EndPoint.ToString(), error.Code, error.Reason));
            return;
        }
        if (!response.TryGetXorAddress(out XorMappedAddress mapped) && !TryGetMappedAddress(response, out mapped))
        {
            Emit(new IceCandidateErrorEvent(Stamp, Now, t.Url ?? "", local.EndPoint.ToString(), null, "success response without a mapped address"));
            return;
        }
        var address = mapped.EndPoint;
        if (_locals.Any(l => l.Candidate.Type == RTCIceCandidateType.Srflx && l.EndPoint.Equals(address) && ReferenceEquals(l.Socket, local.Socket))) return;
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

    private async Task GatherRelayedAsync(IRelayCandidateSource source)
    {
        try
        {
            await foreach (var allocation in source.AllocateAsync(_network, _stop.Token).ConfigureAwait(false))
            {
                _inputs.Writer.TryWrite(new Command(() => OnRelayAllocation(allocation)));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var message = ex.Message;
            _inputs.Writer.TryWrite(new Command(() => Emit(new IceCandidateErrorEvent(Stamp, Now, "turn", "", null, message))));
        }
        catch (OperationCanceledException)
        {
            // Closing.
        }
        finally
        {
            _inputs.Writer.TryWrite(new Command(() =>
            {
                _pendingGather--;
                MaybeCompleteGathering();
            }));
        }
    }

    private void OnRelayAllocation(RelayAllocation allocation)
    {
        if (allocation.Error is not null || allocation.Socket is null || allocation.RelayedAddress is null)
        {
            Emit(new IceCandidateErrorEvent(Stamp, Now, allocation.Url ?? "turn", allocation.MappedAddress?.ToString() ?? "", null, allocation.Error ?? "allocation without a relayed address"));
            if (allocation.Socket is { } orphan) _ = orphan.DisposeAsync().AsTask();
            return;
        }
        if (_state == RTCIceTransportState.Closed)
        {
            _ = allocation.Socket.DisposeAsync().AsTask();
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
        var local = new LocalCandidate(candidate, allocation.Socket, relayed, allocation.Url ?? allocation.ServerAddress?.ToString());
        AddLocalCandidate(local);
        StartReceiver(local);
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
        Emit(new IceEndOfCandidatesEvent(Stamp, Now));
    }
}

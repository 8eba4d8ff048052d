using System.Net;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Ice;

// Server-reflexive candidates (RFC 8445 §5.1.1.2): a Binding request to each STUN server from
// each host socket of its family; the mapped address in the answer is the candidate.
internal sealed partial class IceAgentCore
{
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
}

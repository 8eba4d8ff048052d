using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// Where relayed candidates come from (RFC 8445 §5.1.1.2). The TURN client (RFC 8656) will
/// implement it: each allocation is presented as an <see cref="IIcePacketSocket"/> whose
/// SendToAsync relays to a peer (Send indication or ChannelData, after CreatePermission) and
/// whose ReceiveFromAsync yields what peers sent (Data indication or ChannelData) with the peer's
/// address. The agent then treats a relayed candidate like any other.
/// </summary>
public interface IRelayCandidateSource
{
    /// <summary>Allocates relayed addresses, yielding each as it is ready; ends when all
    /// allocations have succeeded or failed. Failures are reported, not thrown.</summary>
    IAsyncEnumerable<RelayAllocation> AllocateAsync(IIceNetwork network, CancellationToken cancellationToken);

    /// <summary>The servers it allocates from, as turn:/turns: URLs, for diagnostics (a TURN server
    /// that never answers is named in the failure's likely cause); empty when not known.</summary>
    IReadOnlyList<string> Urls => [];

    /// <summary>Allocates again from the server of <paramref name="lost"/>, an allocation that
    /// ended on its own (RFC 8656 §7: a new Allocate, with its own 401/438 challenge). A failure is
    /// reported in the result, not thrown; null when this source cannot re-allocate.</summary>
    Task<RelayAllocation?> ReallocateAsync(RelayAllocation lost, CancellationToken cancellationToken) => Task.FromResult<RelayAllocation?>(null);
}

/// <summary>One relayed transport address and the socket that sends and receives through it.</summary>
/// <param name="Socket">Sends and receives via the relay; <see cref="IIcePacketSocket.LocalEndPoint"/>
/// is the relayed address.</param>
/// <param name="RelayedAddress">XOR-RELAYED-ADDRESS from the Allocate response.</param>
/// <param name="MappedAddress">XOR-MAPPED-ADDRESS from the same response (raddr/rport).</param>
/// <param name="ServerAddress">The TURN server, part of the foundation (RFC 8445 §5.1.1.3).</param>
/// <param name="ServerTransport">Client-to-server transport (udp, tcp; tls counts as tcp).</param>
/// <param name="Error">Set instead of the others when the allocation failed: why.</param>
/// <param name="Url">The turn:/turns: URL of the server (stats and candidate events name it).</param>
/// <param name="ErrorCode">With <paramref name="Error"/>: the server's STUN error code (401: the
/// credentials were refused), or 701 when the server could not be reached (W3C icecandidateerror).</param>
public sealed record RelayAllocation(
    IIcePacketSocket? Socket,
    IPEndPoint? RelayedAddress,
    IPEndPoint? MappedAddress,
    IPAddress? ServerAddress,
    RTCIceProtocol ServerTransport = RTCIceProtocol.Udp,
    string? Error = null,
    string? Url = null,
    int? ErrorCode = null);

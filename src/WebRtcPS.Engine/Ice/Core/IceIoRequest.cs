using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// I/O that <see cref="IceAgentCore"/> needs and cannot do itself: the driver performs it and
/// feeds the outcome back as an input (named on each request).
/// </summary>
internal abstract record IceIoRequest;

/// <summary>Open host sockets on these addresses (best first; the index is the candidate's rank):
/// a UDP socket each when <paramref name="Udp"/>, a TCP listener and an active TCP socket each when
/// <paramref name="Tcp"/>. Answer: <see cref="IceAgentCore.HostSocketOpened"/> or
/// <see cref="IceAgentCore.HostSocketFailed"/> per socket (UDP ones first, in address order), then
/// <see cref="IceAgentCore.HostSocketsDone"/>.</summary>
internal sealed record OpenHostSocketsRequest(IReadOnlyList<IPAddress> Addresses, bool Udp, bool Tcp) : IceIoRequest;

/// <summary>Resolve a STUN server's host name. Answer: <see cref="IceAgentCore.StunServerResolved"/>.</summary>
internal sealed record ResolveStunServerRequest(IceServerUri Server) : IceIoRequest;

/// <summary>Allocate relayed candidates from <see cref="IceAgentOptions.RelaySource"/>. Answers:
/// <see cref="IceAgentCore.RelayReady"/> or <see cref="IceAgentCore.RelayFailed"/> per allocation,
/// then <see cref="IceAgentCore.RelaysDone"/>.</summary>
internal sealed record AllocateRelaysRequest : IceIoRequest
{
    public static readonly AllocateRelaysRequest Instance = new();
}

/// <summary>Resolve a remote candidate's ".local" name (mDNS, A and AAAA). Answer:
/// <see cref="IceAgentCore.MdnsResolved"/> with the same <paramref name="Id"/>; the core gives the
/// name up itself after <paramref name="Timeout"/>, so the driver need not wait longer.</summary>
internal sealed record ResolveMdnsRequest(long Id, string Name, TimeSpan Timeout) : IceIoRequest;

/// <summary>Answer mDNS queries for <paramref name="Name"/> with <paramref name="Address"/> while
/// the agent lives (a host candidate hidden behind the name, <see cref="IceAgentOptions.MdnsHostCandidates"/>).
/// No answer is expected.</summary>
internal sealed record PublishMdnsNameRequest(string Name, IPAddress Address) : IceIoRequest;

/// <summary>The core will not use this socket (a relay allocation that arrived after close, or
/// failed): the driver closes it.</summary>
internal sealed record CloseSocketRequest(IceSocketId Socket) : IceIoRequest;

using Microsoft.Extensions.Logging;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// An ICE-TCP connection (RFC 6544) of a local TCP candidate opened or closed. Opened: our active
/// candidate connected, or a peer connected to our passive one. Closed: with why (the peer
/// closed it, a connect failed, or it was dropped for content that is not ICE-TCP).
/// </summary>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Elapsed">Time since the agent started.</param>
/// <param name="LocalCandidate">The local TCP candidate the connection belongs to.</param>
/// <param name="LocalAddress">The connection's own local address (an active candidate's real port), when known.</param>
/// <param name="RemoteAddress">The peer's transport address.</param>
/// <param name="Open">True when it opened, false when it closed.</param>
/// <param name="Reason">Why it closed; null when it opened.</param>
public sealed record IceTcpConnectionEvent(DateTimeOffset Timestamp, TimeSpan Elapsed, RTCIceCandidate LocalCandidate,
    string? LocalAddress, string RemoteAddress, bool Open, string? Reason) : IceEvent(Timestamp, Elapsed);

internal static partial class IceLog
{
    [LoggerMessage(2020, LogLevel.Debug, "ICE-TCP connection {Local} <-> {Remote} opened")]
    public static partial void TcpConnectionOpened(ILogger logger, string local, string remote);

    [LoggerMessage(2021, LogLevel.Debug, "ICE-TCP connection {Local} <-> {Remote} closed: {Reason}")]
    public static partial void TcpConnectionClosed(ILogger logger, string local, string remote, string reason);
}

using System.Net;
using Microsoft.Extensions.Logging;

namespace WebRtcPS.Engine.Nat;

/// <summary>NAT behaviour discovery log messages; event ids 1600-1699. Each test's outcome as it
/// ends (Information), every datagram of the tests (Debug), the conclusion last.</summary>
internal static partial class NatLog
{
    [LoggerMessage(1600, LogLevel.Information, "NAT behaviour discovery (RFC 5780) against {Server} from {Local}; each test waits at most {TimeoutMs} ms")]
    public static partial void Started(ILogger logger, string server, string local, double timeoutMs);

    [LoggerMessage(1601, LogLevel.Information, "{Probe}")]
    public static partial void ProbeEnded(ILogger logger, NatProbe probe);

    [LoggerMessage(1602, LogLevel.Information, "hairpinning to {Mapped}: {Outcome}")]
    public static partial void Hairpinning(ILogger logger, IPEndPoint mapped, string outcome);

    [LoggerMessage(1603, LogLevel.Information, "{Port}")]
    public static partial void TcpPortEnded(ILogger logger, NatTcpPortResult port);

    [LoggerMessage(1604, LogLevel.Information, "mapping {Mapping}, filtering {Filtering}: {Verdict} ({ElapsedMs} ms)")]
    public static partial void Decided(ILogger logger, NatMappingBehavior mapping, NatFilteringBehavior filtering, string verdict, double elapsedMs);

    [LoggerMessage(1605, LogLevel.Debug, "{Local} sent a {Length}-byte STUN request to {Destination}")]
    public static partial void Sent(ILogger logger, IPEndPoint local, int length, IPEndPoint destination);

    [LoggerMessage(1606, LogLevel.Debug, "{Local} received a STUN {Class} from {Source}")]
    public static partial void Received(ILogger logger, IPEndPoint local, Stun.StunClass @class, IPEndPoint source);
}

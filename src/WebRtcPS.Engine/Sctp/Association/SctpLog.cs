using Microsoft.Extensions.Logging;

namespace WebRtcPS.Engine.Sctp;

/// <summary>Log messages of the SCTP layer (event ids 4000-4049; data channels have 4050-4099, DTLS 3000-3099).</summary>
internal static partial class SctpLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "SCTP association {State}{Reason}")]
    public static partial void StateChanged(ILogger logger, AssociationState state, string reason);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Dropped an SCTP datagram of {Length} bytes (bad checksum, malformed or not for port {Port})")]
    public static partial void DatagramDropped(ILogger logger, int length, ushort port);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Internal error in the SCTP association loop; input ignored")]
    public static partial void InternalError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "SCTP {Direction} reset of streams [{Streams}] {Outcome}")]
    public static partial void StreamReset(ILogger logger, StreamResetDirection direction, string streams, string outcome);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "SCTP transport closed under the association")]
    public static partial void TransportClosed(ILogger logger);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Debug, Message = "Sending an SCTP packet failed; treated as lost")]
    public static partial void SendFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "A user event handler of the SCTP association ({Handler}) threw; delivery goes on")]
    public static partial void HandlerThrew(ILogger logger, string handler, Exception exception);
}

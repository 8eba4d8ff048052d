using Microsoft.Extensions.Logging;

namespace WebRtcPS.Engine.DataChannels;

/// <summary>Log messages of the data channel layer (event ids 4050-4099: the upper half of the
/// SCTP range, since data channels are SCTP streams; SCTP itself has 4000-4049).</summary>
internal static partial class DataChannelLog
{
    [LoggerMessage(EventId = 4050, Level = LogLevel.Warning, Message = "A user event handler of a data channel ({Handler}) threw; delivery goes on")]
    public static partial void HandlerThrew(ILogger logger, string handler, Exception exception);

    [LoggerMessage(EventId = 4051, Level = LogLevel.Error, Message = "The data channel manager: a work item on its loop ({WorkItem}) threw; the loop goes on")]
    public static partial void LoopWorkFailed(ILogger logger, string workItem, Exception exception);

    [LoggerMessage(EventId = 4052, Level = LogLevel.Debug, Message = "A data channel message (PPID {Ppid}, {Length} bytes) on stream {StreamId} was dropped: {Reason}")]
    public static partial void MessageDropped(ILogger logger, uint ppid, int length, ushort streamId, string reason);
}

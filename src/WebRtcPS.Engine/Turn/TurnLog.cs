using Microsoft.Extensions.Logging;

namespace WebRtcPS.Engine.Turn;

/// <summary>TURN client log messages; event ids 1500-1599.</summary>
internal static partial class TurnLog
{
    [LoggerMessage(1500, LogLevel.Information, "TURN allocation on {Server} ({Transport}): relayed {Relayed}, mapped {Mapped}, lifetime {LifetimeSeconds} s, in {ElapsedMs} ms")]
    public static partial void Allocated(ILogger logger, string server, TurnTransportKind transport, string relayed, string? mapped, double lifetimeSeconds, double elapsedMs);

    [LoggerMessage(1501, LogLevel.Warning, "TURN allocation on {Server} failed ({Error}): {Message}")]
    public static partial void AllocationFailed(ILogger logger, string server, TurnError error, string message);

    [LoggerMessage(1502, LogLevel.Debug, "TURN {Method} challenged with {Code} by {Server}: retrying with realm {Realm} and a new nonce")]
    public static partial void Challenged(ILogger logger, string method, int code, string server, string? realm);

    [LoggerMessage(1503, LogLevel.Information, "TURN {Server} redirected the allocation to {Alternate} (300 Try Alternate)")]
    public static partial void Redirected(ILogger logger, string server, string alternate);

    [LoggerMessage(1504, LogLevel.Debug, "TURN allocation {Relayed} refreshed: lifetime {LifetimeSeconds} s")]
    public static partial void Refreshed(ILogger logger, string relayed, double lifetimeSeconds);

    [LoggerMessage(1505, LogLevel.Warning, "TURN {Operation} for {Relayed} failed: {Message}")]
    public static partial void BackgroundFailed(ILogger logger, string operation, string relayed, string message);

    [LoggerMessage(1506, LogLevel.Debug, "TURN permission for {Peer} installed on {Relayed}")]
    public static partial void PermissionInstalled(ILogger logger, string peer, string relayed);

    [LoggerMessage(1507, LogLevel.Debug, "TURN channel 0x{Channel:x4} bound to {Peer} on {Relayed}")]
    public static partial void ChannelBound(ILogger logger, ushort channel, string peer, string relayed);

    [LoggerMessage(1508, LogLevel.Warning, "TURN connection to {Server} lost ({Error}): {Message}")]
    public static partial void ConnectionLost(ILogger logger, string server, TurnError error, string message);

    [LoggerMessage(1509, LogLevel.Information, "TURN allocation {Relayed} closed (deallocation acknowledged: {Acknowledged})")]
    public static partial void Closed(ILogger logger, string relayed, bool acknowledged);

    [LoggerMessage(1510, LogLevel.Debug, "TURN dropped a {Length}-byte frame from {Server} (first byte 0x{FirstByte:x2}): {Reason}")]
    public static partial void Dropped(ILogger logger, int length, string server, byte firstByte, string reason);

    [LoggerMessage(1511, LogLevel.Error, "TURN client: a work item on its loop ({WorkItem}) threw; the loop goes on")]
    public static partial void LoopWorkFailed(ILogger logger, string workItem, Exception exception);
}

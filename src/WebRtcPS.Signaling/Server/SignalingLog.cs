using Microsoft.Extensions.Logging;

namespace WebRtcPS.Signaling.Server;

/// <summary>Signaling server log events; ids 1000-1099.</summary>
internal static partial class SignalingLog
{
    [LoggerMessage(1000, LogLevel.Information, "Signaling server listening on {Url}")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(1001, LogLevel.Information, "Signaling server stopped after {Uptime}")]
    public static partial void Stopped(ILogger logger, TimeSpan uptime);

    [LoggerMessage(1010, LogLevel.Information, "Routed {Type} from '{From}' to '{To}' ({Size} bytes){Queued}")]
    public static partial void Routed(ILogger logger, string type, string from, string to, int size, string queued);

    [LoggerMessage(1011, LogLevel.Debug, "Delivered {Type} from '{From}' to '{To}' after {DelayMs:F1} ms")]
    public static partial void Delivered(ILogger logger, string type, string from, string to, double delayMs);

    [LoggerMessage(1012, LogLevel.Warning, "Queue for '{To}' is full ({Count} messages, {Bytes} bytes): refused {Type} from '{From}'")]
    public static partial void QueueFull(ILogger logger, string to, int count, long bytes, string type, string from);

    [LoggerMessage(1013, LogLevel.Warning, "Dropped {Type} from '{From}' to '{To}': not collected within {Lifetime}")]
    public static partial void Expired(ILogger logger, string type, string from, string to, TimeSpan lifetime);

    [LoggerMessage(1020, LogLevel.Information, "'{Id}' connected to /receive from {Remote}")]
    public static partial void ReceiverConnected(ILogger logger, string id, string remote);

    [LoggerMessage(1021, LogLevel.Information, "'{Id}' /receive stream replaced by a newer one")]
    public static partial void ReceiverReplaced(ILogger logger, string id);

    [LoggerMessage(1022, LogLevel.Information, "'{Id}' disconnected from /receive")]
    public static partial void ReceiverDisconnected(ILogger logger, string id);

    [LoggerMessage(1030, LogLevel.Warning, "Rejected {Method} {Path} from {Remote}: {Status} {Reason}")]
    public static partial void Rejected(ILogger logger, string method, string path, string remote, int status, string reason);
}

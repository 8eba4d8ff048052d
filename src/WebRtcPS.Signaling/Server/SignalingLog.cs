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

    [LoggerMessage(1014, LogLevel.Warning, "Refused {Type} from '{From}' to '{To}': server queues full ({Total} bytes, {Parked} for absent ids); {Suppressed} more such refusals not logged")]
    public static partial void ServerFull(ILogger logger, long total, long parked, string type, string from, string to, long suppressed);

    [LoggerMessage(1015, LogLevel.Warning, "Refused {Type} from '{From}' to new id '{To}': {MaxIds} ids held; {Suppressed} more such refusals not logged")]
    public static partial void TooManyIds(ILogger logger, string to, int maxIds, string type, string from, long suppressed);

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

    // Never the token itself: only that one was missing or did not match.
    [LoggerMessage(1031, LogLevel.Warning, "Refused {Method} {Path} from {Remote}: {Status} {Reason}")]
    public static partial void Unauthorized(ILogger logger, string method, string path, string remote, int status, string reason);

    [LoggerMessage(1032, LogLevel.Warning, "Refused {Method} {Path} from {Remote}: 429 more than {Rate} requests/s from this address; {Suppressed} more such refusals not logged")]
    public static partial void RateLimited(ILogger logger, string method, string path, string remote, int rate, long suppressed);

    [LoggerMessage(1033, LogLevel.Warning, "Refused {Method} {Path} from {Remote}: 403 origin '{Origin}' not allowed")]
    public static partial void OriginRefused(ILogger logger, string method, string path, string remote, string origin);

    [LoggerMessage(1002, LogLevel.Information, "Signaling server certificate SHA-256 {Thumbprint}")]
    public static partial void CertificateInUse(ILogger logger, string thumbprint);

    [LoggerMessage(1040, LogLevel.Information, "Signaling mailboxes in Redis at {Endpoint} ({State})")]
    public static partial void RedisStore(ILogger logger, string endpoint, string state);

    [LoggerMessage(1041, LogLevel.Error, "Lost Redis at {Endpoint}: {Reason}; /send answers 503 until it is back")]
    public static partial void RedisLost(ILogger logger, string endpoint, string reason);

    [LoggerMessage(1042, LogLevel.Information, "Redis at {Endpoint} is back")]
    public static partial void RedisRestored(ILogger logger, string endpoint);

    [LoggerMessage(1043, LogLevel.Warning, "Refused {Type} from '{From}' to '{To}': Redis at {Endpoint} unavailable ({Reason}); {Suppressed} more such refusals not logged")]
    public static partial void RedisUnavailable(ILogger logger, string type, string from, string to, string endpoint, string reason, long suppressed);
}

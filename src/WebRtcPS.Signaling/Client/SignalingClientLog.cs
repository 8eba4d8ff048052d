using Microsoft.Extensions.Logging;

namespace WebRtcPS.Signaling.Client;

/// <summary>Signaling client log events; ids 1100-1199.</summary>
internal static partial class SignalingClientLog
{
    [LoggerMessage(1100, LogLevel.Information, "Signaling stream for '{Id}' ended ({Reason}); reconnecting in {Delay} ms")]
    public static partial void Reconnecting(ILogger logger, string id, string reason, double delay);
}

using Microsoft.Extensions.Logging;

namespace WebRtcPS.Signaling.Peers;

/// <summary>Seed peer log events; ids 1200-1299.</summary>
internal static partial class SeedPeerLog
{
    [LoggerMessage(1200, LogLevel.Warning, "{Peer}: {Message}")]
    public static partial void Warning(ILogger logger, string peer, string message);
}

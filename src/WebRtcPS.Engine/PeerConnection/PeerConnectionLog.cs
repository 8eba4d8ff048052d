using Microsoft.Extensions.Logging;

namespace WebRtcPS.Engine.PeerConnection;

/// <summary>Peer connection log messages; event ids 5000-5099. The full story is <see cref="RTCPeerConnection.Events"/>.</summary>
internal static partial class PeerConnectionLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Debug, Message = "Signaling state {State} after {Cause}")]
    public static partial void SignalingState(ILogger logger, RTCSignalingState state, string cause);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Connection {State}{Reason}")]
    public static partial void ConnectionState(ILogger logger, RTCPeerConnectionState state, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "DTLS {State} as {Role}: {Detail}")]
    public static partial void DtlsState(ILogger logger, RTCDtlsTransportState state, DtlsRole role, string detail);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "A user event handler of the peer connection ({Handler}) threw; delivery goes on")]
    public static partial void HandlerThrew(ILogger logger, string handler, Exception exception);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "Setting up DTLS/SCTP failed unexpectedly")]
    public static partial void SetupFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Debug, Message = "Ignored during close")]
    public static partial void IgnoredDuringClose(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "The peer connection: a work item on its loop ({WorkItem}) threw; the loop goes on")]
    public static partial void LoopWorkFailed(ILogger logger, string workItem, Exception exception);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "ICE restarted ({Cause}): new ufrag {UsernameFragment}")]
    public static partial void IceRestarted(ILogger logger, string cause, string usernameFragment);
}

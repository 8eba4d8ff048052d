using Microsoft.Extensions.Logging;

namespace WebRtcPS.Engine.Ice;

/// <summary>ICE log messages; event ids 2000-2099. The full story is the event stream
/// (<see cref="IceAgent.Events"/>); the log carries the milestones and anything odd.</summary>
internal static partial class IceLog
{
    [LoggerMessage(2000, LogLevel.Information, "ICE state {OldState} -> {NewState}: {Reason}")]
    public static partial void StateChanged(ILogger logger, RTCIceTransportState oldState, RTCIceTransportState newState, string reason);

    [LoggerMessage(2001, LogLevel.Debug, "ICE gathered {Candidate}")]
    public static partial void CandidateGathered(ILogger logger, string candidate);

    [LoggerMessage(2002, LogLevel.Information, "ICE selected pair {Pair}")]
    public static partial void SelectedPairChanged(ILogger logger, RTCIceCandidatePair? pair);

    [LoggerMessage(2003, LogLevel.Information, "ICE role {OldRole} -> {NewRole}: {Reason}")]
    public static partial void RoleChanged(ILogger logger, RTCIceRole oldRole, RTCIceRole newRole, string reason);

    [LoggerMessage(2004, LogLevel.Debug, "ICE check on {Pair} failed: {Reason}")]
    public static partial void CheckFailed(ILogger logger, RTCIceCandidatePair pair, string reason);

    [LoggerMessage(2005, LogLevel.Debug, "ICE remote candidate {Candidate} rejected: {Reason}")]
    public static partial void RemoteCandidateRejected(ILogger logger, string candidate, string reason);

    [LoggerMessage(2006, LogLevel.Warning, "ICE candidate error from {Url}: {Error}")]
    public static partial void CandidateError(ILogger logger, string url, string error);

    [LoggerMessage(2007, LogLevel.Error, "ICE internal error (a bug): {Error}")]
    public static partial void InternalError(ILogger logger, string error);
}

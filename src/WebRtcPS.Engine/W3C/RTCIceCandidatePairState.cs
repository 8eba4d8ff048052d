namespace WebRtcPS.Engine.W3C;

/// <summary>Candidate pair states (RFC 8445 §6.1.2.6; W3C RTCStatsIceCandidatePairState).</summary>
public enum RTCIceCandidatePairState
{
    /// <summary>Not checked yet, and not allowed to be until a pair of its foundation is.</summary>
    Frozen,
    /// <summary>Ready for a check when Ta next allows one.</summary>
    Waiting,
    /// <summary>A check was sent and is outstanding.</summary>
    InProgress,
    /// <summary>A check produced a successful, symmetric response.</summary>
    Succeeded,
    /// <summary>A check timed out, got an unrecoverable error or an asymmetric response.</summary>
    Failed,
}

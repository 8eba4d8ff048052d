namespace WebRtcPS.Engine.Turn;

/// <summary>Why a TURN operation failed; each value is a diagnosis a user can act on.</summary>
internal enum TurnError
{
    /// <summary>The server rejected our credentials (401 after we sent them).</summary>
    AuthenticationFailed,
    /// <summary>The server answered with an error (e.g. 486 Allocation Quota Reached, 508
    /// Insufficient Capacity, 403 Forbidden); <see cref="TurnException.ErrorCode"/> says which.</summary>
    AllocationRefused,
    /// <summary>Nothing listens there: ICMP port unreachable, connection refused, no route.</summary>
    NotReachable,
    /// <summary>No answer within the retransmission schedule or the operation's timeout.</summary>
    TimedOut,
    /// <summary>The TLS handshake failed, e.g. the server's certificate was not trusted.</summary>
    TlsError,
    /// <summary>The server sent something we cannot use (missing attributes, bad framing).</summary>
    ProtocolError,
    /// <summary>The connection to the server closed or the allocation is gone.</summary>
    Closed,
}

/// <summary>A failed TURN operation, classified by <see cref="Error"/>.</summary>
internal sealed class TurnException : Exception
{
    public TurnException(TurnError error, string message, int? errorCode = null, string? reason = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        ErrorCode = errorCode;
        Reason = reason;
    }

    public TurnError Error { get; }

    /// <summary>STUN ERROR-CODE (RFC 8489 §14.8) when the server answered with one.</summary>
    public int? ErrorCode { get; }

    /// <summary>The reason phrase from the server's ERROR-CODE, when any.</summary>
    public string? Reason { get; }
}

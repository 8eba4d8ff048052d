using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Stun;

/// <summary>How a client transaction ended. A caller's cancellation is not an outcome: it
/// surfaces as <see cref="OperationCanceledException"/>.</summary>
internal enum StunTransactionOutcome
{
    SuccessResponse,
    ErrorResponse,
    /// <summary>No acceptable response within the retransmission schedule (RFC 8489 §6.2.1).</summary>
    Timeout,
}

/// <summary>The end of a STUN client transaction.</summary>
internal sealed class StunTransactionResult
{
    internal StunTransactionResult(StunTransactionId transactionId, StunTransactionOutcome outcome, StunMessage? response, int requestsSent, TimeSpan elapsed)
    {
        TransactionId = transactionId;
        Outcome = outcome;
        Response = response;
        RequestsSent = requestsSent;
        Elapsed = elapsed;
    }

    public StunTransactionId TransactionId { get; }
    public StunTransactionOutcome Outcome { get; }

    /// <summary>The matching response; null on timeout.</summary>
    public StunMessage? Response { get; }

    /// <summary>Requests put on the wire, the first one included.</summary>
    public int RequestsSent { get; }

    /// <summary>From the first send to the response or the timeout, on the injected clock.</summary>
    public TimeSpan Elapsed { get; }

    public bool IsSuccess => Outcome == StunTransactionOutcome.SuccessResponse;

    /// <summary>The ERROR-CODE of an error response, when present and well formed.</summary>
    public ErrorCode? Error => Response is not null && Response.TryGet(out ErrorCode error) ? error : null;

    public override string ToString() => Outcome switch
    {
        StunTransactionOutcome.ErrorResponse => $"{TransactionId}: error {Error} after {RequestsSent} request(s), {Elapsed.TotalMilliseconds} ms",
        _ => $"{TransactionId}: {Outcome} after {RequestsSent} request(s), {Elapsed.TotalMilliseconds} ms",
    };
}

namespace WebRtcPS.Engine.Nat;

/// <summary>How one Binding request of the NAT behaviour tests ended.</summary>
internal enum NatProbeOutcome
{
    /// <summary>Not sent: an earlier test gave nothing to build it on.</summary>
    NotRun,

    /// <summary>A success response arrived.</summary>
    Answered,

    /// <summary>No response within the retransmission schedule (RFC 8489 §6.2.1): lost or filtered.</summary>
    NoAnswer,

    /// <summary>An error response, e.g. 420 to CHANGE-REQUEST from a server without RFC 5780.</summary>
    ErrorResponse,
}

namespace WebRtcPS.Engine.W3C;

/// <summary>The operation failed (e.g. unparseable SDP or candidate, a rejected data section, an
/// unsupported rollback, a data channel stream id in use or none free).</summary>
public sealed class OperationError(string message, Exception? innerException = null) : RTCDomException(message, innerException)
{
    /// <inheritdoc/>
    public override string Name => nameof(OperationError);
}

namespace WebRtcPS.Engine.W3C;

/// <summary>The call is not allowed in the current state (e.g. an answer while stable, a candidate
/// before the remote description, a closed connection, send on a channel that is not open).</summary>
public sealed class InvalidStateError(string message, Exception? innerException = null) : RTCDomException(message, innerException)
{
    /// <inheritdoc/>
    public override string Name => nameof(InvalidStateError);
}

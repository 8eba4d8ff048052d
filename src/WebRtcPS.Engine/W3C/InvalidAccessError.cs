namespace WebRtcPS.Engine.W3C;

/// <summary>The description or candidate is well formed but unusable (e.g. no supported fingerprint, a wrong sdpMid).</summary>
public sealed class InvalidAccessError(string message, Exception? innerException = null) : RTCDomException(message, innerException)
{
    /// <inheritdoc/>
    public override string Name => nameof(InvalidAccessError);
}

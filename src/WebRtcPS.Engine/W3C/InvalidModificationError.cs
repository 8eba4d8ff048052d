namespace WebRtcPS.Engine.W3C;

/// <summary>setLocalDescription was given SDP that differs from what createOffer/createAnswer produced.</summary>
public sealed class InvalidModificationError(string message, Exception? innerException = null) : RTCDomException(message, innerException)
{
    /// <inheritdoc/>
    public override string Name => nameof(InvalidModificationError);
}

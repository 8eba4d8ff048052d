namespace WebRtcPS.Engine.PeerConnection;

/// <summary>
/// Base of the errors an <see cref="RTCPeerConnection"/> method throws, named as the W3C spec names
/// the DOMException it would reject with (<see cref="Name"/>), so a script can tell them apart.
/// </summary>
public abstract class RTCDomException : Exception
{
    private protected RTCDomException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>The W3C DOMException name: "InvalidStateError", "InvalidAccessError", "OperationError"...</summary>
    public abstract string Name { get; }
}

/// <summary>The call is not allowed in the current state (e.g. an answer while stable, a candidate before the remote description, a closed connection).</summary>
public sealed class InvalidStateError(string message, Exception? innerException = null) : RTCDomException(message, innerException)
{
    public override string Name => nameof(InvalidStateError);
}

/// <summary>The description or candidate is well formed but unusable (e.g. no supported fingerprint, a wrong sdpMid).</summary>
public sealed class InvalidAccessError(string message, Exception? innerException = null) : RTCDomException(message, innerException)
{
    public override string Name => nameof(InvalidAccessError);
}

/// <summary>The operation failed (e.g. unparseable SDP or candidate, a rejected data section, an unsupported rollback).</summary>
public sealed class OperationError(string message, Exception? innerException = null) : RTCDomException(message, innerException)
{
    public override string Name => nameof(OperationError);
}

/// <summary>setLocalDescription was given SDP that differs from what createOffer/createAnswer produced.</summary>
public sealed class InvalidModificationError(string message, Exception? innerException = null) : RTCDomException(message, innerException)
{
    public override string Name => nameof(InvalidModificationError);
}

namespace WebRtcPS.Engine.W3C;

/// <summary>
/// Base of the errors the engine's W3C-shaped objects throw, named as the W3C spec names the
/// DOMException it would reject with (<see cref="Name"/>), so a script can tell them apart. Every
/// layer throws them directly (webrtc-pc §4.4, §6.2); the W3C TypeError stays an ArgumentException.
/// </summary>
public abstract class RTCDomException : Exception
{
    private protected RTCDomException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>The W3C DOMException name: "InvalidStateError", "InvalidAccessError", "OperationError"...</summary>
    public abstract string Name { get; }
}

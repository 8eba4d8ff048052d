namespace WebRtcPS.Signaling.Client;

/// <summary>A signaling failure: the server refused a message, or the stream broke the protocol.</summary>
public sealed class SignalingException : Exception
{
    /// <summary>A failure with no HTTP answer (timeout, connection error, a malformed stream).</summary>
    public SignalingException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>A refusal: the server answered <paramref name="statusCode"/>, naming <paramref name="field"/> when a request field was wrong.</summary>
    public SignalingException(string message, int statusCode, string? field) : base(message)
    {
        StatusCode = statusCode;
        Field = field;
    }

    /// <summary>The HTTP status the server answered with, when it answered.</summary>
    public int? StatusCode { get; }

    /// <summary>The request field the server named as wrong, if any.</summary>
    public string? Field { get; }
}

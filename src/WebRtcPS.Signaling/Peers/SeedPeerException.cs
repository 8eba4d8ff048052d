namespace WebRtcPS.Signaling.Peers;

/// <summary>Why a connect attempt failed.</summary>
public enum SeedPeerError
{
    /// <summary>No connection within the time allowed.</summary>
    Timeout,
    /// <summary>ICE, DTLS or SCTP failed (see the diagnostics).</summary>
    ConnectionFailed,
    /// <summary>The signaling server refused a message or could not be reached.</summary>
    Signaling,
    /// <summary>The peer sent something unusable (bad SDP, wrong message order).</summary>
    Protocol,
}

/// <summary>A failed connect: what went wrong, and the diagnosis (candidates, pairs tried, states).</summary>
public sealed class SeedPeerException : Exception
{
    /// <summary>A failed connect of kind <paramref name="error"/>, with the <paramref name="diagnostics"/> text.</summary>
    public SeedPeerException(SeedPeerError error, string message, string diagnostics, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
        Diagnostics = diagnostics;
    }

    /// <summary>What kind of failure it was.</summary>
    public SeedPeerError Error { get; }

    /// <summary>Human-readable: each layer's last state, candidates each side, every pair and what it got back.</summary>
    public string Diagnostics { get; }
}

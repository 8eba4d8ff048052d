namespace WebRtcPS.Signaling.Peers;

/// <summary>The outcome of one connectivity test: whether a data channel opened, how, and how fast.</summary>
public sealed record ConnectivityTestResult
{
    /// <summary>Whether the data channel opened and the greetings were exchanged.</summary>
    public required bool Success { get; init; }

    /// <summary>host, srflx, prflx or relay: the local candidate type of the selected pair.</summary>
    public string? SelectedPairType { get; init; }

    /// <summary>The selected pair's local and remote candidates, as "type address:port".</summary>
    public string? LocalCandidate { get; init; }
    /// <summary>The remote side of the selected pair, as "type address:port".</summary>
    public string? RemoteCandidate { get; init; }

    /// <summary>udp or tcp.</summary>
    public string? Protocol { get; init; }

    /// <summary>ICE checking → connected.</summary>
    public double? IceMs { get; init; }

    /// <summary>DTLS handshake start → connected.</summary>
    public double? DtlsMs { get; init; }

    /// <summary>Offer created → data channel open.</summary>
    public double? SetupMs { get; init; }

    /// <summary>Offer created (offerer) or received (answerer) → the verdict, on failure: how long
    /// the attempt took to fail (ICE gives its verdict about 10 s after checking began).</summary>
    public double? VerdictMs { get; init; }

    /// <summary>STUN round-trip time on the selected pair.</summary>
    public double? RttMs { get; init; }

    /// <summary>Why it failed (null on success).</summary>
    public string? Error { get; init; }

    /// <summary>Each layer's state, the candidates and the pairs tried (on failure).</summary>
    public string? Diagnostics { get; init; }
}

namespace WebRtcPS.Signaling.Client;

/// <summary>Reconnection and liveness settings of a <see cref="SignalingClient"/>.</summary>
public sealed class SignalingClientOptions
{
    /// <summary>First wait before reconnecting; doubles per failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan InitialReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between reconnection attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A stream silent this long (no message, no heartbeat) is presumed dead and reopened.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(35);

    /// <summary>Timeout of one /send request.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Bearer token sent as <c>Authorization: Bearer TOKEN</c> on every request, for a server
    /// started with an access token or per-id tokens; nothing is sent when null (the seed protocol).
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Trust an HTTPS server whose certificate has this fingerprint (SHA-256, 64 hex digits, or
    /// SHA-1, 40; colons and spaces ignored) even if no trusted authority issued it (a self-signed one).
    /// Other certificates are then refused even if the system store trusts them.
    /// </summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>
    /// Open the connection for the first POST /send as soon as the /receive stream is open (default
    /// true), so that the first message, the offer or the answer, does not wait for a new TCP
    /// connection. Only a client that makes its own HttpClient does this.
    /// </summary>
    public bool PreconnectSend { get; set; } = true;

    /// <summary>Accept any HTTPS certificate (tests only: anyone on the path can read the token).</summary>
    public bool SkipCertificateCheck { get; set; }

    /// <summary>Checks every delay is positive and the maximum is not below the initial delay.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (InitialReconnectDelay <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(InitialReconnectDelay));
        if (MaxReconnectDelay < InitialReconnectDelay) throw new ArgumentOutOfRangeException(nameof(MaxReconnectDelay));
        if (IdleTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(IdleTimeout));
        if (SendTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SendTimeout));
        if (AccessToken is { Length: 0 }) throw new ArgumentException("AccessToken must not be empty.", nameof(AccessToken));
        if (AccessToken is not null && AccessToken.Any(char.IsControl))
            throw new ArgumentException("AccessToken must not hold control characters.", nameof(AccessToken));
        if (CertificateThumbprint is not null && CertificatePinning.Normalize(CertificateThumbprint) is null)
            throw new ArgumentException("CertificateThumbprint must be 64 (SHA-256) or 40 (SHA-1) hex digits.", nameof(CertificateThumbprint));
    }
}

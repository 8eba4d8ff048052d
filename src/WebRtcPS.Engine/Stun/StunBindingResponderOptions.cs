namespace WebRtcPS.Engine.Stun;

/// <summary>Configuration of a <see cref="StunBindingResponder"/>.</summary>
internal sealed record StunBindingResponderOptions
{
    /// <summary>SOFTWARE sent in responses; null sends none.</summary>
    public string? Software { get; init; }

    /// <summary>Append FINGERPRINT to responses (ICE requires it, RFC 8445 §7.3).</summary>
    public bool IncludeFingerprint { get; init; } = true;

    /// <summary>
    /// Short-term credentials (RFC 8489 §9.1): given the request's USERNAME, the HMAC key, or
    /// null for an unknown user. When null, requests are answered without authentication, as
    /// a public STUN server does.
    /// </summary>
    public Func<string, byte[]?>? GetShortTermKey { get; init; }

    /// <summary>
    /// Options for an ICE agent answering connectivity checks (RFC 8445 §7.3): the USERNAME
    /// must be "<paramref name="localUfrag"/>:remote-ufrag" and the key is the local password.
    /// </summary>
    public static StunBindingResponderOptions ForIce(string localUfrag, string localPassword)
    {
        ArgumentException.ThrowIfNullOrEmpty(localUfrag);
        ArgumentException.ThrowIfNullOrEmpty(localPassword);
        var key = StunCredentials.ShortTermKey(localPassword);
        var prefix = localUfrag + ":";
        return new StunBindingResponderOptions
        {
            GetShortTermKey = username => username.StartsWith(prefix, StringComparison.Ordinal) && username.Length > prefix.Length ? key : null,
        };
    }

}

namespace WebRtcPS.Engine.W3C;

/// <summary>
/// W3C RTCIceServer: one STUN or TURN server. Its URLs share the credential:
/// every turn:/turns: URL needs <see cref="Username"/> and <see cref="Credential"/>
/// (InvalidAccessError otherwise); stun: URLs ignore them.
/// </summary>
public sealed record RTCIceServer
{
    /// <summary>stun:, stuns:, turn: or turns: URLs (RFC 7064, RFC 7065).</summary>
    public required IReadOnlyList<string> Urls { get; init; }

    /// <summary>TURN user name (RFC 8489 §9.2 long-term credential).</summary>
    public string? Username { get; init; }

    /// <summary>TURN password.</summary>
    public string? Credential { get; init; }
}

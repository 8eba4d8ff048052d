namespace WebRtcPS.Engine.Dtls;

/// <summary>How DTLS behaves whatever the peer: the engine settings a W3C configuration lacks.
/// <see cref="DtlsParameters"/> is these plus one session's role, certificate and fingerprints.</summary>
public record DtlsSettings
{
    /// <summary>Default handshake timeout, 10 s.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long the whole handshake may take; default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = DefaultHandshakeTimeout;

    /// <summary>The offerer starts its DTLS server at setLocalDescription(offer), before the answer
    /// fixes the role (an answerer to a=setup:actpass almost always takes active), so that the peer's
    /// early ClientHello is answered as soon as the path is proved; default true. An answer that makes
    /// us the client cancels it unused.</summary>
    public bool EarlyServer { get; init; } = true;

    /// <summary>BouncyCastle's transport only (ours always works this way): after the handshake,
    /// decrypt each datagram on the receiving thread of a lower
    /// transport that can push them (ICE's socket thread) instead of handing it to the DTLS thread
    /// first: one thread wake-up less per message. Default true; the environment variable
    /// <c>WRTC_DTLS_INLINE=0</c> makes the default false (for A/B measurements).</summary>
    public bool InlineReceive { get; init; } = DefaultInlineReceive;

    private static readonly bool DefaultInlineReceive = Environment.GetEnvironmentVariable("WRTC_DTLS_INLINE") != "0";

    /// <summary>Whose DTLS runs the handshake and the records: our own (<see cref="DtlsConnection"/>,
    /// the default) or BouncyCastle's. The environment variable <c>WRTC_DTLS=bc</c> (or <c>native</c>)
    /// changes the default of settings made from then on, for A/B measurements and for falling
    /// back should a peer need it.</summary>
    public DtlsImplementation Implementation { get; init; } = DefaultImplementation();

    private static DtlsImplementation DefaultImplementation() =>
        Environment.GetEnvironmentVariable("WRTC_DTLS") is { } value
        && (value.Equals("bc", StringComparison.OrdinalIgnoreCase) || value.Equals("bouncycastle", StringComparison.OrdinalIgnoreCase))
            ? DtlsImplementation.BouncyCastle
            : DtlsImplementation.Native;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad property.</summary>
    public virtual void Validate()
    {
        if (!Enum.IsDefined(Implementation))
            throw new ArgumentException($"Implementation {Implementation} is not BouncyCastle or Native.", nameof(Implementation));
        if (HandshakeTimeout <= TimeSpan.Zero || HandshakeTimeout.TotalMilliseconds > int.MaxValue / 2)
            throw new ArgumentException($"HandshakeTimeout {HandshakeTimeout} must be positive and under 12 days.", nameof(HandshakeTimeout));
    }
}

/// <summary>Which DTLS 1.2 implementation a transport uses.</summary>
public enum DtlsImplementation
{
    /// <summary>BouncyCastle's handshake and record layer, on a thread per handshake.</summary>
    BouncyCastle,

    /// <summary>The engine's own (<c>Dtls/Handshake</c>): event-driven, .NET's platform crypto.</summary>
    Native,
}

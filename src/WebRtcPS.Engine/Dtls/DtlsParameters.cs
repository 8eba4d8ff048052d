using Microsoft.Extensions.Logging;

namespace WebRtcPS.Engine.Dtls;

/// <summary>What <see cref="DtlsTransport.StartAsync"/> needs: the role from <c>a=setup</c>, our
/// certificate and the peer's <c>a=fingerprint</c> lines, plus the <see cref="DtlsSettings"/>.</summary>
internal sealed record DtlsParameters : DtlsSettings
{
    public DtlsParameters()
    {
    }

    /// <summary><paramref name="settings"/> for one session (set the required members too).</summary>
    public DtlsParameters(DtlsSettings settings) : base(settings ?? throw new ArgumentNullException(nameof(settings)))
    {
    }

    /// <summary>Client (<c>a=setup:active</c>) or server (<c>a=setup:passive</c>).</summary>
    public required DtlsRole Role { get; init; }

    /// <summary>Our certificate; its fingerprint is what our SDP advertises.</summary>
    public required RTCCertificate Certificate { get; init; }

    /// <summary>The peer's fingerprints from its SDP. At least one must use a supported hash, and
    /// every one with a supported hash must match the certificate the peer presents.</summary>
    public required IReadOnlyList<RTCDtlsFingerprint> RemoteFingerprints { get; init; }

    /// <summary>The peer's fingerprints when they are not known yet (a server started before the
    /// answer): the peer's certificate is checked against them once they come, within the handshake
    /// timeout. <see cref="RemoteFingerprints"/> is then empty.</summary>
    public Task<IReadOnlyList<RTCDtlsFingerprint>>? RemoteFingerprintsLater { get; init; }

    /// <summary>Called once (on the thread that got there) when the client may send application
    /// data before the handshake completes (<see cref="DtlsConnection.CanSendEarly"/>, our DTLS
    /// only): SCTP's INIT then travels with the client's Finished instead of after the server's.</summary>
    public Action<IDtlsTransport>? EarlySend { get; init; }

    /// <summary>Called once with the transport as soon as it exists, before its first flight leaves
    /// (our DTLS only): the caller may build what will run over it (the peer connection's SCTP
    /// association), so that what it starts on <see cref="EarlySend"/> costs only the start.</summary>
    public Action<IDtlsTransport>? Created { get; init; }

    /// <summary>Optional logger; none by default.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Decrypted records held for <see cref="DtlsTransport.ReceiveAsync"/>; when full, the
    /// DTLS thread waits, and an inline receive drops the record (SCTP retransmits it).</summary>
    internal int ReceivedCapacity { get; init; } = 4096;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad property.</summary>
    public override void Validate()
    {
        if (!Enum.IsDefined(Role))
            throw new ArgumentException($"Role {Role} is not Client or Server.", nameof(Role));
        if (Certificate is null)
            throw new ArgumentException("A local certificate is required; use RTCCertificate.Generate().", nameof(Certificate));
        if (Certificate.Expires <= DateTimeOffset.UtcNow)
            throw new ArgumentException($"The local certificate expired at {Certificate.Expires:u}; generate a new one.", nameof(Certificate));
        if (RemoteFingerprintsLater is null && (RemoteFingerprints is null || !FingerprintVerifier.HasSupported(RemoteFingerprints)))
            throw new ArgumentException(
                "The remote fingerprints must include at least one with a supported algorithm (" +
                string.Join(", ", RTCDtlsFingerprint.SupportedAlgorithms) + "); got: " +
                (RemoteFingerprints is null || RemoteFingerprints.Count == 0 ? "none" : string.Join(", ", RemoteFingerprints)) + ".",
                nameof(RemoteFingerprints));
        base.Validate();
    }
}

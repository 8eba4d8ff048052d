namespace WebRtcPS.Engine.Dtls;

/// <summary>A DTLS failure with a typed reason. A caller's cancellation is never one of these: it
/// stays an <see cref="OperationCanceledException"/>.</summary>
internal sealed class DtlsException : Exception
{
    public DtlsException(DtlsError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>The reason.</summary>
    public DtlsError Error { get; }

    /// <summary>The alert, for <see cref="DtlsError.AlertReceived"/> and <see cref="DtlsError.AlertSent"/>.</summary>
    public TlsAlertDescription? Alert { get; init; }

    /// <summary>For <see cref="DtlsError.FingerprintMismatch"/>: the fingerprints the SDP promised.</summary>
    public IReadOnlyList<RTCDtlsFingerprint> ExpectedFingerprints { get; init; } = [];

    /// <summary>For <see cref="DtlsError.FingerprintMismatch"/>: the presented certificate's fingerprints.</summary>
    public IReadOnlyList<RTCDtlsFingerprint> ActualFingerprints { get; init; } = [];

    internal static DtlsException FingerprintMismatch(DtlsRole localRole,
        IReadOnlyList<RTCDtlsFingerprint> expected, IReadOnlyList<RTCDtlsFingerprint> actual) =>
        new(DtlsError.FingerprintMismatch,
            $"The DTLS {(localRole == DtlsRole.Client ? "server" : "client")} presented a certificate that does not " +
            $"match its SDP: expected {string.Join(", ", expected)}; actual {string.Join(", ", actual)}.")
        {
            ExpectedFingerprints = expected,
            ActualFingerprints = actual,
        };
}

using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// A connected DTLS transport as the peer connection uses it (W3C <c>RTCDtlsTransport</c>), and
/// the <see cref="IDatagramTransport"/> SCTP runs over: one send is one record. Two
/// implementations: <see cref="DtlsTransport"/> (BouncyCastle's handshake on a thread of its own)
/// and <see cref="DtlsConnectionTransport"/> (ours, event-driven, <see cref="DtlsConnection"/>);
/// <see cref="DtlsSettings.Implementation"/> picks one.
/// </summary>
internal interface IDtlsTransport : IDatagramTransport
{
    DtlsRole Role { get; }
    RTCDtlsTransportState State { get; }

    /// <summary>Raised in order, off the receiving thread, on every state change after the handshake.</summary>
    event EventHandler<RTCDtlsTransportState>? StateChanged;

    DtlsException? Error { get; }
    ReadOnlyMemory<byte> RemoteCertificate { get; }
    RTCDtlsFingerprint RemoteFingerprint { get; }
    string CipherSuite { get; }
    long DatagramsSent { get; }
    long DatagramsReceived { get; }

    /// <summary>Sends close_notify and closes. Idempotent.</summary>
    Task CloseAsync();
}

/// <summary>Starts the <see cref="DtlsSettings.Implementation"/> the parameters ask for.</summary>
internal static class DtlsTransports
{
    public static async Task<IDtlsTransport> StartWhenReadyAsync(IDatagramTransport lower, DtlsParameters parameters,
        Task<bool>? lowerReady, CancellationToken cancellationToken) =>
        parameters.Implementation == DtlsImplementation.Native
            ? await DtlsConnectionTransport.StartWhenReadyAsync(lower, parameters, lowerReady, cancellationToken).ConfigureAwait(false)
            : await DtlsTransport.StartWhenReadyAsync(lower, parameters, lowerReady, cancellationToken).ConfigureAwait(false);
}

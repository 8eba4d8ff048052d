using Microsoft.Extensions.Logging;

namespace WebRtcPS.Engine.Dtls;

/// <summary>DTLS log messages; event ids 3000-3099.</summary>
internal static partial class DtlsLog
{
    [LoggerMessage(3000, LogLevel.Debug, "DTLS {Role} handshake starting (timeout {TimeoutMs} ms, MTU {Mtu})")]
    public static partial void HandshakeStarting(ILogger logger, DtlsRole role, int timeoutMs, int mtu);

    [LoggerMessage(3001, LogLevel.Information, "DTLS {Role} connected in {ElapsedMs} ms: {CipherSuite}, peer {RemoteFingerprint}")]
    public static partial void Connected(ILogger logger, DtlsRole role, long elapsedMs, string cipherSuite, RTCDtlsFingerprint remoteFingerprint);

    [LoggerMessage(3002, LogLevel.Warning, "DTLS {Role} handshake failed ({Error}): {Message}")]
    public static partial void HandshakeFailed(ILogger logger, DtlsRole role, DtlsError error, string message);

    [LoggerMessage(3003, LogLevel.Debug, "DTLS alert raised: {Level} {Description} {Message}")]
    public static partial void AlertRaised(ILogger logger, string level, TlsAlertDescription description, string? message);

    [LoggerMessage(3004, LogLevel.Debug, "DTLS alert received: {Level} {Description}")]
    public static partial void AlertReceived(ILogger logger, string level, TlsAlertDescription description);

    [LoggerMessage(3005, LogLevel.Information, "DTLS state {State}")]
    public static partial void StateChanged(ILogger logger, RTCDtlsTransportState state);

    [LoggerMessage(3006, LogLevel.Debug, "Ignored a {Length}-byte datagram (first byte {FirstByte}): not DTLS")]
    public static partial void DatagramIgnored(ILogger logger, int length, int firstByte);

    [LoggerMessage(3007, LogLevel.Debug, "The transport under DTLS failed")]
    public static partial void LowerTransportFailed(ILogger logger, Exception exception);

    [LoggerMessage(3008, LogLevel.Warning, "DTLS connection failed ({Error}): {Message}")]
    public static partial void ConnectionFailed(ILogger logger, DtlsError error, string message);

    [LoggerMessage(3009, LogLevel.Warning, "Peer certificate rejected: expected {Expected}, actual {Actual}")]
    public static partial void FingerprintMismatch(ILogger logger, string expected, string actual);

    [LoggerMessage(3010, LogLevel.Warning, "A user event handler of the DTLS transport ({Handler}) threw; delivery goes on")]
    public static partial void HandlerThrew(ILogger logger, string handler, Exception exception);

    [LoggerMessage(3011, LogLevel.Debug, "DTLS {Role} receives inline: the lower transport pushes datagrams, the DTLS thread ends")]
    public static partial void InlineReceiveStarted(ILogger logger, DtlsRole role);

    [LoggerMessage(3012, LogLevel.Debug, "Dropped a decrypted {Length}-byte record: the receive queue is full")]
    public static partial void RecordDropped(ILogger logger, int length);

    [LoggerMessage(3013, LogLevel.Debug, "Held back an application record BouncyCastle framed as content type {ContentType} in epoch {Epoch} while it re-sent its final flight; the layer above retransmits it")]
    public static partial void MisframedRecordDropped(ILogger logger, int contentType, int epoch);

    [LoggerMessage(3014, LogLevel.Debug, "A {Length}-byte datagram carries a {RecordLength}-byte record, larger than the receive buffer of {Capacity} bytes: read again with a larger one")]
    public static partial void LargeRecordReceived(ILogger logger, int length, int recordLength, int capacity);
}

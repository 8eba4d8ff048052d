using Org.BouncyCastle.Tls;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// Turns what BouncyCastle throws into a <see cref="DtlsException"/> that says why: a fingerprint
/// verdict or a received alert wins over the generic exception that follows it, a lower-transport
/// failure over the internal_error BouncyCastle reports for it.
/// </summary>
internal sealed class DtlsFailures(DtlsPeerSession session, BlockingDatagramAdapter adapter, TimeSpan handshakeTimeout)
{
    public DtlsException Timeout(Exception? inner) =>
        new(DtlsError.HandshakeTimeout,
            $"No DTLS handshake as {session.Role} within {handshakeTimeout.TotalSeconds:0.#} s: " +
            $"{adapter.DatagramsSent} datagrams sent, {adapter.DatagramsReceived} DTLS datagrams received" +
            (adapter.DatagramsReceived == 0 ? " (the peer is silent or unreachable)." : "."), inner);

    public DtlsException MapHandshake(Exception ex)
    {
        if (session.FingerprintFailure is { } mismatch) return mismatch;
        return ex is TlsTimeoutException ? Timeout(ex) : Map(ex);
    }

    public DtlsException Map(Exception ex)
    {
        if (session.FingerprintFailure is { } mismatch) return mismatch;
        if (ex is TlsFatalAlertReceived received)
            return Alert(DtlsError.AlertReceived, (TlsAlertDescription)received.AlertDescription, "The DTLS peer sent", ex);
        if (session.AlertReceived is { } peerAlert)
            return Alert(DtlsError.AlertReceived, peerAlert, "The DTLS peer sent", ex);
        if (adapter.LowerFailure is { } lower)
            return new DtlsException(DtlsError.TransportClosed, "The transport under DTLS failed: " + lower.Message, lower);
        if (ex is TlsFatalAlert raised && raised.AlertDescription != AlertDescription.internal_error)
            return Alert(DtlsError.AlertSent, (TlsAlertDescription)raised.AlertDescription, "This side sent", ex);
        if (adapter.IsClosed)
            return new DtlsException(DtlsError.TransportClosed, "The transport under DTLS closed.", ex);
        if (ex is TlsFatalAlert internalError)
            return Alert(DtlsError.AlertSent, (TlsAlertDescription)internalError.AlertDescription, "This side sent", ex);
        return new DtlsException(DtlsError.ProtocolError, "DTLS failed: " + ex.Message, ex);
    }

    private static DtlsException Alert(DtlsError error, TlsAlertDescription alert, string who, Exception inner) =>
        new(error, $"{who} a fatal alert: {AlertDescription.GetText((short)alert)}.", inner) { Alert = alert };

    /// <summary>The IANA name of a cipher suite, e.g. <c>TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256</c>.</summary>
    public static string CipherSuiteName(int suite) => suite switch
    {
        // The suites we offer or accept, without a reflection walk over BouncyCastle's ~350
        // constants (0.1-0.3 ms on the DTLS thread between the last flight and "connected").
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        _ => NameByReflection(suite),
    };

    private static string NameByReflection(int suite) =>
        typeof(CipherSuite).GetFields()
            .FirstOrDefault(f => f.IsLiteral && f.FieldType == typeof(int) && (int)f.GetRawConstantValue()! == suite)?.Name
        ?? $"0x{suite:X4}";
}

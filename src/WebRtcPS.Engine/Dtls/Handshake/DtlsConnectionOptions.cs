namespace WebRtcPS.Engine.Dtls;

/// <summary>The verdict on the peer's certificate: accepted, rejected (with the failure to report),
/// or not yet possible (a server started before the answer brought the fingerprints: the handshake
/// waits before its final flight until <see cref="DtlsConnection.SetPeerVerdict"/>).</summary>
internal readonly record struct DtlsPeerCheck(bool Pending, DtlsException? Failure)
{
    public static readonly DtlsPeerCheck Accepted = new(false, null);
    public static readonly DtlsPeerCheck Later = new(true, null);
    public static DtlsPeerCheck Rejected(DtlsException failure) => new(false, failure);
}

/// <summary>What a <see cref="DtlsConnection"/> needs: its role, our certificate, the check of the
/// peer's certificate (by SDP fingerprint, RFC 8827 §6.5), the datagram size, and the flight
/// retransmission timer (RFC 6347 §4.2.4.1: 1 s, doubled up to 60 s).</summary>
internal sealed record DtlsConnectionOptions
{
    public required DtlsRole Role { get; init; }
    public required RTCCertificate Certificate { get; init; }

    /// <summary>Called with the peer's end-entity certificate (DER) when it arrives.</summary>
    public required Func<byte[], DtlsPeerCheck> VerifyPeer { get; init; }

    /// <summary>Largest datagram we send (the lower transport's MTU); handshake messages are fragmented to fit.</summary>
    public int MaxDatagramSize { get; init; } = 1200;

    public int InitialRetransmitMilliseconds { get; init; } = 1000;
    public int MaxRetransmitMilliseconds { get; init; } = 60_000;
}

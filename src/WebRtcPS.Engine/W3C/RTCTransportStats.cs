namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCTransportStats (type "transport": the bundled ICE+DTLS transport), plus SCTP counters.</summary>
public sealed record RTCTransportStats : RTCStats
{
    /// <inheritdoc/>
    public override string Type => "transport";
    /// <summary>Datagrams sent on the selected pair (DTLS records).</summary>
    public long PacketsSent { get; init; }
    /// <summary>Datagrams received on the selected pair.</summary>
    public long PacketsReceived { get; init; }
    /// <summary>Bytes sent on the selected pair.</summary>
    public long BytesSent { get; init; }
    /// <summary>Bytes received on the selected pair.</summary>
    public long BytesReceived { get; init; }
    /// <summary>This agent's ICE role.</summary>
    public RTCIceRole IceRole { get; init; }
    /// <summary>The local ICE ufrag (changes with an ICE restart).</summary>
    public string? IceLocalUsernameFragment { get; init; }
    /// <summary>The ICE transport's state.</summary>
    public RTCIceConnectionState IceState { get; init; }
    /// <summary>The DTLS transport's state.</summary>
    public RTCDtlsTransportState DtlsState { get; init; }
    /// <summary>This side's DTLS role, once negotiated.</summary>
    public DtlsRole? DtlsRole { get; init; }
    /// <summary>The negotiated DTLS cipher suite (IANA name).</summary>
    public string? DtlsCipher { get; init; }
    /// <summary>Id of the selected pair's stats in the same report.</summary>
    public string? SelectedCandidatePairId { get; init; }
    /// <summary>The local certificate's fingerprint (RFC 8122 form).</summary>
    public string? LocalCertificateFingerprint { get; init; }
    /// <summary>The remote certificate's fingerprint, once DTLS is connected.</summary>
    public string? RemoteCertificateFingerprint { get; init; }
    /// <summary>DATA chunks SCTP retransmitted (RFC 9260 §6.3.3, fast retransmit included).</summary>
    public long SctpRetransmissions { get; init; }
    /// <summary>SCTP's smoothed RTT (SRTT, RFC 9260 §6.3.1).</summary>
    public TimeSpan? SctpSmoothedRoundTripTime { get; init; }
    /// <summary>SCTP's congestion window in bytes (cwnd, RFC 9260 §7.2).</summary>
    public int? SctpCongestionWindow { get; init; }
}

namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCTransportStats (type "transport": the bundled ICE+DTLS transport), plus SCTP counters.</summary>
public sealed record RTCTransportStats : RTCStats
{
    public override string Type => "transport";
    public long PacketsSent { get; init; }
    public long PacketsReceived { get; init; }
    public long BytesSent { get; init; }
    public long BytesReceived { get; init; }
    public RTCIceRole IceRole { get; init; }
    public string? IceLocalUsernameFragment { get; init; }
    public RTCIceConnectionState IceState { get; init; }
    public RTCDtlsTransportState DtlsState { get; init; }
    public DtlsRole? DtlsRole { get; init; }
    public string? DtlsCipher { get; init; }
    public string? SelectedCandidatePairId { get; init; }
    public string? LocalCertificateFingerprint { get; init; }
    public string? RemoteCertificateFingerprint { get; init; }
    public long SctpRetransmissions { get; init; }
    public TimeSpan? SctpSmoothedRoundTripTime { get; init; }
    public int? SctpCongestionWindow { get; init; }
}

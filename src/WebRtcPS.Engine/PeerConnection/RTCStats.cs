using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.PeerConnection;

/// <summary>W3C RTCStats: every entry has an id, a type ("peer-connection", "transport",
/// "candidate-pair", "local-candidate", "remote-candidate", "data-channel") and a timestamp.</summary>
public abstract record RTCStats
{
    public required string Id { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public abstract string Type { get; }
}

/// <summary>W3C RTCPeerConnectionStats.</summary>
public sealed record RTCPeerConnectionStats : RTCStats
{
    public override string Type => "peer-connection";
    public int DataChannelsOpened { get; init; }
    public int DataChannelsClosed { get; init; }
}

/// <summary>W3C RTCTransportStats (the bundled ICE+DTLS transport), plus SCTP counters.</summary>
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

/// <summary>W3C RTCIceCandidatePairStats (type "candidate-pair"): checks, RTT and traffic of one pair.</summary>
public sealed record RTCCandidatePairStats : RTCStats
{
    public override string Type => "candidate-pair";
    public required string TransportId { get; init; }
    public required string LocalCandidateId { get; init; }
    public required string RemoteCandidateId { get; init; }
    public RTCIceCandidatePairState State { get; init; }
    public bool Nominated { get; init; }
    /// <summary>The pair carrying the data (not in W3C, which points to it from the transport).</summary>
    public bool Selected { get; init; }
    public ulong Priority { get; init; }
    public long PacketsSent { get; init; }
    public long PacketsReceived { get; init; }
    public long BytesSent { get; init; }
    public long BytesReceived { get; init; }
    public TimeSpan? CurrentRoundTripTime { get; init; }
    public TimeSpan TotalRoundTripTime { get; init; }
    public long RequestsSent { get; init; }
    public long RequestsReceived { get; init; }
    public long ResponsesSent { get; init; }
    public long ResponsesReceived { get; init; }
    public long ConsentRequestsSent { get; init; }
    /// <summary>What the last check got back ("success", "timeout after 7 requests", "error 401 ...").</summary>
    public string? LastResult { get; init; }
}

/// <summary>W3C RTCIceCandidateStats (type "local-candidate" or "remote-candidate").</summary>
public sealed record RTCIceCandidateStats : RTCStats
{
    private readonly bool _remote;

    public RTCIceCandidateStats(bool isRemote) => _remote = isRemote;

    public override string Type => _remote ? "remote-candidate" : "local-candidate";
    public required string TransportId { get; init; }
    public required string Address { get; init; }
    public int Port { get; init; }
    public required string Protocol { get; init; }
    public required string CandidateType { get; init; }
    public uint Priority { get; init; }
    public string? Url { get; init; }
    public string? RelatedAddress { get; init; }
    public int? RelatedPort { get; init; }
    public string? Foundation { get; init; }
}

/// <summary>W3C RTCDataChannelStats.</summary>
public sealed record RTCDataChannelStats : RTCStats
{
    public override string Type => "data-channel";
    public required string Label { get; init; }
    public required string Protocol { get; init; }
    public ushort? DataChannelIdentifier { get; init; }
    public RTCDataChannelState State { get; init; }
    public long MessagesSent { get; init; }
    public long BytesSent { get; init; }
    public long MessagesReceived { get; init; }
    public long BytesReceived { get; init; }
}

/// <summary>W3C RTCStatsReport: the entries of one getStats call, by id.</summary>
public sealed class RTCStatsReport
{
    internal RTCStatsReport(IReadOnlyList<RTCStats> entries) => Entries = entries;

    public IReadOnlyList<RTCStats> Entries { get; }

    public RTCStats? this[string id] => Entries.FirstOrDefault(e => e.Id == id);

    public IEnumerable<T> OfType<T>() where T : RTCStats => Entries.OfType<T>();

    /// <summary>The selected candidate pair, when there is one.</summary>
    public RTCCandidatePairStats? SelectedCandidatePair =>
        OfType<RTCTransportStats>().FirstOrDefault()?.SelectedCandidatePairId is { } id ? this[id] as RTCCandidatePairStats : null;
}

namespace WebRtcPS;

// Get-WrtcStatistic's objects: one flat, CSV-friendly shape per -Type (webrtc-stats §5), durations
// as milliseconds (numbers, not TimeSpan), enums as their W3C wire names, no engine types.

/// <summary>What every statistics entry has: the peer, the W3C id and type, and when it was taken.</summary>
public abstract class PeerStatistic
{
    private protected PeerStatistic(string peerId, RTCStats stats)
    {
        PeerId = peerId;
        StatsId = stats.Id;
        Type = stats.Type;
        Timestamp = stats.Timestamp.ToLocalTime();
    }

    public string PeerId { get; }

    /// <summary>The entry's id in the report; stable across reports of the same peer.</summary>
    public string StatsId { get; }

    /// <summary>peer-connection, transport, candidate-pair, local-candidate, remote-candidate or data-channel.</summary>
    public string Type { get; }

    public DateTimeOffset Timestamp { get; }

    internal static double? Ms(TimeSpan? t) => t is { } v ? Math.Round(v.TotalMilliseconds, 3) : null;

    /// <summary>The module's object for an engine stats entry.</summary>
    internal static PeerStatistic? From(string peerId, RTCStats stats) => stats switch
    {
        RTCPeerConnectionStats s => new PeerConnectionStatistic(peerId, s),
        RTCTransportStats s => new TransportStatistic(peerId, s),
        RTCIceCandidatePairStats s => new CandidatePairStatistic(peerId, s),
        RTCIceCandidateStats s => new CandidateStatistic(peerId, s),
        RTCDataChannelStats s => new DataChannelStatistic(peerId, s),
        _ => null,
    };
}

/// <summary>peer-connection: data channels opened and closed.</summary>
public sealed class PeerConnectionStatistic : PeerStatistic
{
    internal PeerConnectionStatistic(string peerId, RTCPeerConnectionStats s) : base(peerId, s)
    {
        DataChannelsOpened = s.DataChannelsOpened;
        DataChannelsClosed = s.DataChannelsClosed;
    }

    public int DataChannelsOpened { get; }
    public int DataChannelsClosed { get; }
}

/// <summary>transport: the ICE/DTLS/SCTP transport's counters and states.</summary>
public sealed class TransportStatistic : PeerStatistic
{
    internal TransportStatistic(string peerId, RTCTransportStats s) : base(peerId, s)
    {
        PacketsSent = s.PacketsSent;
        PacketsReceived = s.PacketsReceived;
        BytesSent = s.BytesSent;
        BytesReceived = s.BytesReceived;
        IceRole = s.IceRole.ToString().ToLowerInvariant();
        IceLocalUsernameFragment = s.IceLocalUsernameFragment;
        IceState = s.IceState.ToString().ToLowerInvariant();
        DtlsState = s.DtlsState.ToString().ToLowerInvariant();
        DtlsRole = s.DtlsRole?.ToString().ToLowerInvariant();
        DtlsCipher = s.DtlsCipher;
        SelectedCandidatePairId = s.SelectedCandidatePairId;
        LocalCertificateFingerprint = s.LocalCertificateFingerprint;
        RemoteCertificateFingerprint = s.RemoteCertificateFingerprint;
        SctpRetransmissions = s.SctpRetransmissions;
        SctpSmoothedRoundTripTimeMs = Ms(s.SctpSmoothedRoundTripTime);
        SctpCongestionWindow = s.SctpCongestionWindow;
    }

    public long PacketsSent { get; }
    public long PacketsReceived { get; }
    public long BytesSent { get; }
    public long BytesReceived { get; }
    public string IceRole { get; }
    public string? IceLocalUsernameFragment { get; }
    public string IceState { get; }
    public string DtlsState { get; }
    public string? DtlsRole { get; }
    public string? DtlsCipher { get; }
    public string? SelectedCandidatePairId { get; }
    public string? LocalCertificateFingerprint { get; }
    public string? RemoteCertificateFingerprint { get; }
    public long SctpRetransmissions { get; }
    public double? SctpSmoothedRoundTripTimeMs { get; }
    public int? SctpCongestionWindow { get; }
}

/// <summary>candidate-pair: one checklist pair, its checks and its data.</summary>
public sealed class CandidatePairStatistic : PeerStatistic
{
    internal CandidatePairStatistic(string peerId, RTCIceCandidatePairStats s) : base(peerId, s)
    {
        LocalCandidateId = s.LocalCandidateId;
        RemoteCandidateId = s.RemoteCandidateId;
        State = s.State == RTCIceCandidatePairState.InProgress ? "in-progress" : s.State.ToString().ToLowerInvariant();
        Nominated = s.Nominated;
        Selected = s.Selected;
        Priority = s.Priority;
        PacketsSent = s.PacketsSent;
        PacketsReceived = s.PacketsReceived;
        BytesSent = s.BytesSent;
        BytesReceived = s.BytesReceived;
        CurrentRoundTripTimeMs = Ms(s.CurrentRoundTripTime);
        TotalRoundTripTimeMs = Ms(s.TotalRoundTripTime) ?? 0;
        RequestsSent = s.RequestsSent;
        RequestsReceived = s.RequestsReceived;
        ResponsesSent = s.ResponsesSent;
        ResponsesReceived = s.ResponsesReceived;
        ConsentRequestsSent = s.ConsentRequestsSent;
        LastResult = s.LastResult;
    }

    public string LocalCandidateId { get; }
    public string RemoteCandidateId { get; }

    /// <summary>frozen, waiting, in-progress, succeeded or failed (RFC 8445 §6.1.2.6).</summary>
    public string State { get; }

    public bool Nominated { get; }

    /// <summary>The pair carrying the data.</summary>
    public bool Selected { get; }

    public ulong Priority { get; }
    public long PacketsSent { get; }
    public long PacketsReceived { get; }
    public long BytesSent { get; }
    public long BytesReceived { get; }

    /// <summary>RTT of the latest answered check, in milliseconds; null before one.</summary>
    public double? CurrentRoundTripTimeMs { get; }

    /// <summary>Sum of the answered checks' RTTs, in milliseconds (divide by ResponsesReceived for the mean).</summary>
    public double TotalRoundTripTimeMs { get; }

    public long RequestsSent { get; }
    public long RequestsReceived { get; }
    public long ResponsesSent { get; }
    public long ResponsesReceived { get; }
    public long ConsentRequestsSent { get; }

    /// <summary>What the latest check got back (a response, an error code, a timeout).</summary>
    public string? LastResult { get; }
}

/// <summary>local-candidate or remote-candidate.</summary>
public sealed class CandidateStatistic : PeerStatistic
{
    internal CandidateStatistic(string peerId, RTCIceCandidateStats s) : base(peerId, s)
    {
        Address = s.Address;
        Port = s.Port;
        Protocol = s.Protocol;
        CandidateType = s.CandidateType;
        Priority = s.Priority;
        Url = s.Url;
        RelatedAddress = s.RelatedAddress;
        RelatedPort = s.RelatedPort;
        Foundation = s.Foundation;
    }

    public string Address { get; }
    public int Port { get; }
    public string Protocol { get; }

    /// <summary>host, srflx, prflx or relay.</summary>
    public string CandidateType { get; }

    public uint Priority { get; }
    public string? Url { get; }
    public string? RelatedAddress { get; }
    public int? RelatedPort { get; }
    public string? Foundation { get; }
}

/// <summary>data-channel: one channel's messages and bytes.</summary>
public sealed class DataChannelStatistic : PeerStatistic
{
    internal DataChannelStatistic(string peerId, RTCDataChannelStats s) : base(peerId, s)
    {
        Label = s.Label;
        Protocol = s.Protocol;
        DataChannelIdentifier = s.DataChannelIdentifier;
        State = s.State.ToString().ToLowerInvariant();
        MessagesSent = s.MessagesSent;
        BytesSent = s.BytesSent;
        MessagesReceived = s.MessagesReceived;
        BytesReceived = s.BytesReceived;
    }

    public string Label { get; }
    public string Protocol { get; }
    public int? DataChannelIdentifier { get; }
    public string State { get; }
    public long MessagesSent { get; }
    public long BytesSent { get; }
    public long MessagesReceived { get; }
    public long BytesReceived { get; }
}

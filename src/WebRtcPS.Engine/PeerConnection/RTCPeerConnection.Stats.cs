using System.Globalization;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.PeerConnection;

public sealed partial class RTCPeerConnection
{
    private const string TransportId = "T01";

    /// <summary>The SCTP association's counters (retransmissions, T3-rtx timeouts, cwnd), for
    /// tests and diagnostics; null before SCTP starts.</summary>
    internal async Task<Sctp.SctpStatistics?> GetSctpStatisticsAsync(CancellationToken cancellationToken = default)
    {
        var sctp = await _loop.InvokeAsync(() => _sctp).ConfigureAwait(false);
        return sctp is null ? null : await sctp.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The receive path in one line, for a test's failure message: the DTLS records read
    /// and discarded, the SCTP core's TSN and reassembly state (DATA taken, TSNs the peer abandoned),
    /// then the data channels' states, DCEP messages and dropped messages.</summary>
    internal async Task<string> DescribeDataPathAsync()
    {
        var (dtls, sctp) = await _loop.InvokeAsync(() => (_dtls, _sctp)).ConfigureAwait(false);
        var records = dtls switch
        {
            Dtls.DtlsConnectionTransport native => $"DTLS {native.DatagramsReceived} datagrams in, {native.RecordsDiscarded} records discarded; ",
            { } other => $"DTLS {other.DatagramsReceived} datagrams in; ",
            null => "",
        };
        return $"{records}SCTP {sctp?.Describe() ?? "not started"}; {_channels.Describe()}";
    }

    /// <summary>W3C getStats: peer-connection, transport, candidate pairs, local and remote candidates, data channels.</summary>
    public async Task<RTCStatsReport> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        var (agent, dtls, sctp, channels, opened, closed, iceState, dtlsState, dtlsRole) = await _loop.InvokeAsync(() =>
            (_agent, _dtls, _sctp, _allChannels.ToList(), _channelsOpened, _channelsClosed, _iceConnectionState, _dtlsState, NegotiatedDtlsRole)).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var entries = new List<RTCStats>
        {
            new RTCPeerConnectionStats { Id = "P", Timestamp = now, DataChannelsOpened = opened, DataChannelsClosed = closed },
        };

        IceDiagnostics? ice = null;
        if (agent is not null)
        {
            try
            {
                ice = await agent.GetDiagnosticsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
            }
        }
        Sctp.SctpStatistics? sctpStats = null;
        if (sctp is not null)
        {
            try
            {
                sctpStats = await sctp.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
            {
            }
        }

        RTCIceCandidateStats CandidateStats(RTCIceCandidate c, string id, bool remote) => new(remote)
        {
            Id = id,
            Timestamp = now,
            TransportId = TransportId,
            Address = c.Address,
            Port = c.Port,
            Protocol = c.Protocol.ToString().ToLowerInvariant(),
            CandidateType = c.Type.ToString().ToLowerInvariant(),
            Priority = c.Priority,
            RelatedAddress = c.RelatedAddress,
            RelatedPort = c.RelatedPort,
            Foundation = c.Foundation,
        };

        string? selectedId = null;
        long bytesSent = 0, bytesReceived = 0, packetsSent = 0, packetsReceived = 0;
        if (ice is not null)
        {
            for (var i = 0; i < ice.LocalCandidates.Count; i++)
                entries.Add(CandidateStats(ice.LocalCandidates[i], IceDiagnostics.LocalCandidateId(i), remote: false));
            for (var i = 0; i < ice.RemoteCandidates.Count; i++)
                entries.Add(CandidateStats(ice.RemoteCandidates[i], IceDiagnostics.RemoteCandidateId(i), remote: true));
            foreach (var p in ice.Pairs)
            {
                if (p.Selected) selectedId = p.Id;
                bytesSent += p.BytesSent;
                bytesReceived += p.BytesReceived;
                packetsSent += p.PacketsSent;
                packetsReceived += p.PacketsReceived;
                entries.Add(p with { Timestamp = now, TransportId = TransportId });
            }
        }

        entries.Add(new RTCTransportStats
        {
            Id = TransportId,
            Timestamp = now,
            PacketsSent = dtls?.DatagramsSent ?? packetsSent,
            PacketsReceived = dtls?.DatagramsReceived ?? packetsReceived,
            BytesSent = bytesSent,
            BytesReceived = bytesReceived,
            IceRole = ice?.Role ?? RTCIceRole.Controlling,
            IceLocalUsernameFragment = _localIce.UsernameFragment,
            IceState = iceState,
            DtlsState = dtlsState,
            DtlsRole = dtlsRole,
            DtlsCipher = dtls?.CipherSuite,
            SelectedCandidatePairId = selectedId,
            LocalCertificateFingerprint = _certificate.GetFingerprints()[0].ToString(),
            RemoteCertificateFingerprint = dtls?.RemoteFingerprint?.ToString(),
            SctpRetransmissions = sctpStats?.DataRetransmissions ?? 0,
            SctpSmoothedRoundTripTime = sctpStats?.SmoothedRtt,
            SctpCongestionWindow = sctpStats?.CongestionWindow,
        });

        var k = 0;
        foreach (var channel in channels)
        {
            entries.Add(new RTCDataChannelStats
            {
                Id = "D" + (++k).ToString(CultureInfo.InvariantCulture),
                Timestamp = now,
                Label = channel.Label,
                Protocol = channel.Protocol,
                DataChannelIdentifier = channel.Id,
                State = channel.ReadyState,
                MessagesSent = channel.MessagesSent,
                BytesSent = channel.BytesSent,
                MessagesReceived = channel.MessagesReceived,
                BytesReceived = channel.BytesReceived,
            });
        }
        return new RTCStatsReport(entries);
    }

    /// <summary>The diagnosis of the connection as it stands: every layer's last state, the failure
    /// reason, and ICE's candidates and pairs with what each check got back.</summary>
    public async Task<PeerConnectionDiagnostics> GetDiagnosticsAsync(CancellationToken cancellationToken = default)
    {
        var agent = _agent;
        IceDiagnostics? ice = null;
        if (agent is not null)
        {
            try
            {
                ice = await agent.GetDiagnosticsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
            }
        }
        return await _loop.InvokeAsync(() => new PeerConnectionDiagnostics
        {
            SignalingState = _signalingState,
            ConnectionState = _connectionState,
            IceConnectionState = _iceConnectionState,
            IceGatheringState = _iceGatheringState,
            DtlsState = _dtlsState,
            DtlsRole = NegotiatedDtlsRole,
            SctpState = _sctpState,
            FailureReason = _failureReason,
            HasRemoteDescription = _remoteDescription is not null,
            Ice = ice,
            DataChannels = [.. _allChannels.Select(c => $"'{c.Label}' id {c.Id?.ToString(CultureInfo.InvariantCulture) ?? "-"} {c.ReadyState.ToString().ToLowerInvariant()}, {c.MessagesSent}/{c.MessagesReceived} messages sent/received")],
        }).ConfigureAwait(false);
    }
}

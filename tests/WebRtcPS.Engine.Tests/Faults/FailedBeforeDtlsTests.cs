using System.Diagnostics;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.PeerConnection;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// A first connection whose ICE fails before DTLS ever started (the path is dark from the start)
/// is not final: restartIce() (RFC 8445 §9) leads to a working connection, the DTLS handshake on
/// the new generation's pair, SCTP, and the channels that were waiting, DCEP-announced and
/// negotiated alike, open.
/// </summary>
public sealed class FailedBeforeDtlsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task IceFailedBeforeDtls_RestartIce_StartsDtlsAndOpensTheWaitingChannels()
    {
        // No pair selected within 2 s of checking: failed, without waiting the default 10 s.
        var config = PeerTestKit.Loopback(ice => ice with { CheckingTimeout = TimeSpan.FromSeconds(2) });
        await using var peers = BlackoutPeers.Create(config);
        var negotiatedAtOfferer = peers.Offerer.CreateDataChannel("negotiated", new RTCDataChannelInit { Negotiated = true, Id = 7 });
        var negotiatedAtAnswerer = peers.Answerer.CreateDataChannel("negotiated", new RTCDataChannelInit { Negotiated = true, Id = 7 });
        var sink = new MessageSink(negotiatedAtAnswerer);

        var sw = Stopwatch.StartNew();
        peers.Relay.Dark = true;
        await peers.NegotiateAsync();
        await peers.BothAsync(RTCPeerConnectionState.Failed, Limit);
        output.WriteLine($"failed after {sw.ElapsedMilliseconds} ms: {peers.Offerer.FailureReason}");
        Assert.Equal(RTCIceConnectionState.Failed, peers.Offerer.IceConnectionState);
        Assert.Equal(RTCDtlsTransportState.New, peers.Offerer.DtlsState);
        Assert.Equal(RTCDtlsTransportState.New, peers.Answerer.DtlsState);
        // Nothing was ever carried: the channels still wait, for a restart to open them.
        Assert.Equal(RTCDataChannelState.Connecting, peers.OffererChannel.ReadyState);
        Assert.Equal(RTCDataChannelState.Connecting, negotiatedAtOfferer.ReadyState);

        peers.Relay.Dark = false;
        sw.Restart();
        peers.Offerer.RestartIce();
        await peers.NegotiateAsync();
        await peers.BothAsync(RTCPeerConnectionState.Connected, Limit);
        output.WriteLine($"connected {sw.ElapsedMilliseconds} ms after the restart");
        Assert.Equal(RTCDtlsTransportState.Connected, peers.Offerer.DtlsState);
        Assert.Equal(RTCDtlsTransportState.Connected, peers.Answerer.DtlsState);
        Assert.Null(peers.Offerer.FailureReason);

        await peers.WhenOpenAsync();
        await peers.ExchangeAsync("after the restart");
        await PeerTestKit.WhenOpen(negotiatedAtOfferer);
        await PeerTestKit.WhenOpen(negotiatedAtAnswerer);
        negotiatedAtOfferer.Send("negotiated after the restart");
        Assert.Equal("negotiated after the restart", await sink.NextTextAsync());
    }
}

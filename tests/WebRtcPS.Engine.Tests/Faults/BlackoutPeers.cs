using System.Net;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Sdp;
using WebRtcPS.Engine.Tests.PeerConnection;
using WebRtcPS.Engine.Tests.TestInfrastructure;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// Two peer connections whose only path goes through a <see cref="BlackoutRelay"/>: the offerer
/// is given the relay's front address as the answerer's one candidate, the answerer none of the
/// offerer's (it learns the relay's back socket from the checks, peer-reflexive). Descriptions
/// pass by hand with their candidate lines removed, so no check can go around the relay.
/// </summary>
internal sealed class BlackoutPeers : IAsyncDisposable
{
    private BlackoutPeers(RTCConfiguration config)
    {
        Offerer = new RTCPeerConnection(config);
        Answerer = new RTCPeerConnection(config);
    }

    public BlackoutRelay Relay { get; } = new();
    public RTCPeerConnection Offerer { get; }
    public RTCPeerConnection Answerer { get; }
    public RTCDataChannel OffererChannel { get; private set; } = null!;
    public MessageSink OffererSink { get; private set; } = null!;
    public RTCDataChannel AnswererChannel { get; private set; } = null!;
    public MessageSink AnswererSink { get; private set; } = null!;

    private Task<(RTCDataChannel Channel, MessageSink Sink)> _remoteChannel = null!;

    public static async Task<BlackoutPeers> ConnectAsync(RTCConfiguration config)
    {
        var peers = Create(config);
        await peers.NegotiateAsync();
        await peers.WhenOpenAsync();
        return peers;
    }

    /// <summary>The two connections and the offerer's channel "blackout", not yet negotiated.</summary>
    public static BlackoutPeers Create(RTCConfiguration config)
    {
        var peers = new BlackoutPeers(config);
        peers.OffererChannel = peers.Offerer.CreateDataChannel("blackout");
        peers.OffererSink = new MessageSink(peers.OffererChannel);
        peers._remoteChannel = PeerTestKit.NextRemoteChannel(peers.Answerer, "blackout");
        return peers;
    }

    /// <summary>Once the offerer's channel is open at both ends.</summary>
    public async Task WhenOpenAsync()
    {
        await PeerTestKit.WhenOpen(OffererChannel);
        (AnswererChannel, AnswererSink) = await _remoteChannel;
        await PeerTestKit.WhenOpen(AnswererChannel);
    }

    /// <summary>One offer/answer exchange through the relay (the first, or after restartIce()).</summary>
    public async Task NegotiateAsync()
    {
        var offer = Offerer.SetLocalDescription();
        Answerer.SetRemoteDescription(WithoutCandidates(offer));
        var answer = Answerer.SetLocalDescription();
        await Poll.UntilAsync(() => Answerer.IceGatheringState == RTCIceGatheringState.Complete, PeerTestKit.Patience, "the answerer's gathering");
        var host = Answerer.IceAgent!.LocalCandidates.First(c => c.Protocol == RTCIceProtocol.Udp && c.Type == RTCIceCandidateType.Host);
        Relay.Target = new IPEndPoint(IPAddress.Parse(host.Address), host.Port);
        Offerer.SetRemoteDescription(WithoutCandidates(answer));
        var front = Relay.FrontEndPoint;
        Offerer.AddIceCandidate($"candidate:1 1 udp 2130706431 {front.Address} {front.Port} typ host");
        Offerer.AddIceCandidate((string?)null);
    }

    /// <summary>Both sides report <paramref name="state"/>.</summary>
    public async Task BothAsync(RTCPeerConnectionState state, TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        await Offerer.WaitForConnectionStateAsync(s => s == state, cts.Token);
        await Answerer.WaitForConnectionStateAsync(s => s == state, cts.Token);
    }

    /// <summary>A message each way over the channel that was open before the fault.</summary>
    public async Task ExchangeAsync(string tag)
    {
        OffererChannel.Send($"offerer {tag}");
        AnswererChannel.Send($"answerer {tag}");
        Assert.Equal($"offerer {tag}", await AnswererSink.NextTextAsync());
        Assert.Equal($"answerer {tag}", await OffererSink.NextTextAsync());
    }

    private static RTCSessionDescription WithoutCandidates(RTCSessionDescription description) =>
        new(description.Type, string.Join("\r\n", description.Sdp.Split("\r\n").Where(l => !l.StartsWith("a=candidate:", StringComparison.Ordinal) && l != "a=end-of-candidates")));

    public async ValueTask DisposeAsync()
    {
        await Offerer.DisposeAsync();
        await Answerer.DisposeAsync();
        await Relay.DisposeAsync();
    }
}

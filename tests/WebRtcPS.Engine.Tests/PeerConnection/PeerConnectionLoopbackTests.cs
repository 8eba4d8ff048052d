using System.Security.Cryptography;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.PeerConnection;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.PeerConnection;

/// <summary>Two RTCPeerConnections in one process over loopback UDP, negotiated through an in-memory relay.</summary>
public sealed class PeerConnectionLoopbackTests(ITestOutputHelper output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public async Task Greetings_both_ways_with_W3C_states_and_roles()
    {
        await using var pair = await PeerTestKit.ConnectAsync();
        pair.OffererChannel.Send("Hello from the Offerer!");
        pair.AnswererChannel.Send("Hello from the Answerer!");
        Assert.Equal("Hello from the Offerer!", await pair.AnswererSink.NextTextAsync());
        Assert.Equal("Hello from the Answerer!", await pair.OffererSink.NextTextAsync());

        await pair.Offerer.WaitConnectedAsync();
        await pair.Answerer.WaitConnectedAsync();
        Assert.Equal(RTCSignalingState.Stable, pair.Offerer.SignalingState);
        Assert.Equal(RTCSignalingState.Stable, pair.Answerer.SignalingState);
        Assert.Equal(RTCIceGatheringState.Complete, pair.Offerer.IceGatheringState);
        Assert.Contains(pair.Offerer.IceConnectionState, new[] { RTCIceConnectionState.Connected, RTCIceConnectionState.Completed });
        // The answer says a=setup:active: the answerer is the DTLS client, its channel ids... the offerer's channel is created by a server: odd.
        Assert.Equal(DtlsRole.Server, pair.Offerer.DtlsRole);
        Assert.Equal(DtlsRole.Client, pair.Answerer.DtlsRole);
        Assert.Equal(1, pair.OffererChannel.Id! % 2);
        Assert.Equal("testChannel", pair.AnswererChannel.Label);
        Assert.Equal(262144, pair.Offerer.RemoteMaxMessageSize);
    }

    [Fact]
    public async Task Event_stream_is_ordered_and_covers_every_layer()
    {
        await using var pair = await PeerTestKit.ConnectAsync();
        await pair.Offerer.CloseAsync();
        var events = new List<PeerConnectionEvent>();
        await foreach (var e in pair.Offerer.Events.ReadAllAsync()) events.Add(e);

        Assert.Contains(events, e => e is PeerConnectionIceEvent { Ice: IceCandidateGatheredEvent });
        Assert.Contains(events, e => e is PeerConnectionIceEvent { Ice: IceSelectedCandidatePairChangedEvent });
        Assert.Contains(events, e => e is SignalingStateChangedEvent { State: RTCSignalingState.HaveLocalOffer });
        Assert.Contains(events, e => e is DtlsStateChangedEvent { State: RTCDtlsTransportState.Connected });
        Assert.Contains(events, e => e is SctpStateChangedEvent { State: SctpTransportState.Connected });
        Assert.Contains(events, e => e is DataChannelStateChangedEvent { State: RTCDataChannelState.Open, Label: "testChannel" });
        var states = events.OfType<ConnectionStateChangedEvent>().Select(e => e.State).ToList();
        Assert.Equal([RTCPeerConnectionState.Connecting, RTCPeerConnectionState.Connected, RTCPeerConnectionState.Closed], states);
    }
}

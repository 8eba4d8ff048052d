using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Signaling;

namespace WebRtcPS.Engine.Tests.PeerConnection;

/// <summary>The offerer's DTLS server started before the answer (RTCPeerConnection.EarlyDtls.cs):
/// used when the answer makes us the server, dropped when it makes us the client, ended when no
/// answer comes.</summary>
public sealed class PeerConnectionEarlyDtlsTests
{
    private static async Task GreetBothWaysAsync(RTCDataChannel offerer, MessageSink offererSink, RTCDataChannel answerer, MessageSink answererSink)
    {
        offerer.Send("to the answerer");
        answerer.Send("to the offerer");
        Assert.Equal("to the answerer", await answererSink.NextTextAsync());
        Assert.Equal("to the offerer", await offererSink.NextTextAsync());
    }

    [Fact]
    public async Task APassiveAnswerMakesTheOffererTheClientAndTheEarlyServerIsDropped()
    {
        await using var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        await using var answerer = new RTCPeerConnection(PeerTestKit.Loopback());
        var channel = offerer.CreateDataChannel("early");
        var sink = new MessageSink(channel);
        var remote = PeerTestKit.NextRemoteChannel(answerer, "early");
        var opened = PeerTestKit.WhenOpen(channel);
        await using var relay = InMemorySignaling.Start(offerer, answerer,
            editAnswer: sdp => sdp.Replace("a=setup:active", "a=setup:passive", StringComparison.Ordinal));
        await opened;
        var (answererChannel, answererSink) = await remote;
        await PeerTestKit.WhenOpen(answererChannel);

        Assert.Equal(W3C.DtlsRole.Client, offerer.DtlsRole);
        Assert.Equal(W3C.DtlsRole.Server, answerer.DtlsRole);
        Assert.Equal(0, channel.Id!.Value % 2);   // a DTLS client's stream ids are even (RFC 8832 §6)
        await GreetBothWaysAsync(channel, sink, answererChannel, answererSink);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ALateAnswerStillConnectsWithTheOffererAsServer(bool earlyServer)
    {
        // The answer is held back while the answerer checks and sends its ClientHello: the early
        // server has that ClientHello before it knows the answer (or, switched off, the server
        // made at the answer reads it from ICE's queue).
        var config = PeerTestKit.Loopback() with { Dtls = new DtlsSettings { EarlyServer = earlyServer } };
        await using var offerer = new RTCPeerConnection(config);
        await using var answerer = new RTCPeerConnection(PeerTestKit.Loopback());
        var channel = offerer.CreateDataChannel("early");
        var sink = new MessageSink(channel);
        var remote = PeerTestKit.NextRemoteChannel(answerer, "early");
        var opened = PeerTestKit.WhenOpen(channel);
        var answerSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var relay = InMemorySignaling.Start(offerer, answerer, delayToOfferer: async m =>
        {
            if (m.Type != SignalingMessage.Answer) return;
            answerSent.TrySetResult();
            await release.Task;
        });
        await answerSent.Task.WaitAsync(PeerTestKit.Patience);
        // The answerer's DTLS client starts once its first check succeeded: its ClientHello is out.
        using (var cts = PeerTestKit.Timeout())
        {
            while (answerer.DtlsState == RTCDtlsTransportState.New) await Task.Delay(5, cts.Token);
        }
        await Task.Delay(100);
        Assert.Equal(RTCSignalingState.HaveLocalOffer, offerer.SignalingState);   // the answer is still held
        release.TrySetResult();
        await opened;
        var (answererChannel, answererSink) = await remote;
        await PeerTestKit.WhenOpen(answererChannel);

        Assert.Equal(W3C.DtlsRole.Server, offerer.DtlsRole);
        await GreetBothWaysAsync(channel, sink, answererChannel, answererSink);
    }

    [Fact]
    public async Task AnOffererClosedBeforeAnyAnswerEndsItsEarlyServer()
    {
        var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        offerer.CreateDataChannel("never");
        offerer.SetLocalDescription(offerer.CreateOffer());
        await offerer.CloseAsync().WaitAsync(PeerTestKit.Patience);
        await offerer.DisposeAsync().AsTask().WaitAsync(PeerTestKit.Patience);
        Assert.Equal(RTCPeerConnectionState.Closed, offerer.ConnectionState);
    }
}

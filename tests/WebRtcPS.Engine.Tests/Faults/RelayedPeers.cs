using System.Threading.Channels;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.PeerConnection;
using WebRtcPS.Signaling;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// Two RTCPeerConnections (real UDP sockets, ICE, DTLS, SCTP) whose only path goes through an
/// <see cref="ImpairmentRelay"/>: the seed protocol's offerer (A) and answerer (B) exchange their
/// messages through in-memory queues and a <see cref="CandidateRewriter"/>.
/// </summary>
internal static class RelayedPeers
{
    public static async Task<ConnectedPair> ConnectAsync(ImpairmentRelay relay, string label = "bulk",
        RTCConfiguration? offererConfig = null, RTCConfiguration? answererConfig = null)
    {
        var offerer = new RTCPeerConnection(offererConfig ?? PeerTestKit.Loopback());
        var answerer = new RTCPeerConnection(answererConfig ?? PeerTestKit.Loopback());
        var channel = offerer.CreateDataChannel(label);
        var offererSink = new MessageSink(channel);
        var remote = PeerTestKit.NextRemoteChannel(answerer, label);
        var opened = PeerTestKit.WhenOpen(channel);
        var signaling = Start(offerer, answerer, new CandidateRewriter(relay));
        try
        {
            await opened;
            var (answererChannel, answererSink) = await remote;
            await PeerTestKit.WhenOpen(answererChannel);
            return new ConnectedPair(offerer, answerer, channel, offererSink, answererChannel, answererSink, signaling);
        }
        catch
        {
            await signaling.DisposeAsync();
            await offerer.DisposeAsync();
            await answerer.DisposeAsync();
            throw;
        }
    }

    private static IAsyncDisposable Start(RTCPeerConnection offerer, RTCPeerConnection answerer, CandidateRewriter rewriter) =>
        InMemorySignaling.Start(offerer, answerer, tamperToOfferer: rewriter.FromB, tamperToAnswerer: rewriter.FromA);
}

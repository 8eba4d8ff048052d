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

    private static IAsyncDisposable Start(RTCPeerConnection offerer, RTCPeerConnection answerer, CandidateRewriter rewriter)
    {
        var toOfferer = Channel.CreateUnbounded<SignalingMessage>();
        var toAnswerer = Channel.CreateUnbounded<SignalingMessage>();
        var cts = new CancellationTokenSource();
        static Task Send(Channel<SignalingMessage> c, SignalingMessage? m) => m is null ? Task.CompletedTask : c.Writer.WriteAsync(m).AsTask();
        var a = SeedPeer.RunAnswererAsync(answerer, m => Send(toOfferer, rewriter.FromB(m)), toAnswerer.Reader.ReadAllAsync(cts.Token), cts.Token);
        var o = SeedPeer.RunOffererAsync(offerer, m => Send(toAnswerer, rewriter.FromA(m)), toOfferer.Reader.ReadAllAsync(cts.Token), cts.Token);
        return new Stopper(cts, [a, o]);
    }

    private sealed class Stopper(CancellationTokenSource cts, Task[] tasks) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await cts.CancelAsync();
            try
            {
                await Task.WhenAll(tasks);
            }
            catch (OperationCanceledException)
            {
            }
            cts.Dispose();
        }
    }
}

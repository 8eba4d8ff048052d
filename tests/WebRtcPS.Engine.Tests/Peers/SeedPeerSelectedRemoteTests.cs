using WebRtcPS.Engine.Ice;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Engine.Tests.Peers;

/// <summary>
/// A pair selected through a peer-reflexive remote (a check that came before the candidate's
/// signaling message): the connect ends once the candidate has come, so its event is part of the
/// attempt's account, or after the grace when it never comes.
/// </summary>
public class SeedPeerSelectedRemoteTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The answerer's candidates reach the offerer late (<paramref name="delay"/>), or never (null).</summary>
    private sealed class SlowCandidates(ISignalingChannel inner, TimeSpan? delay) : ISignalingChannel
    {
        public async Task SendAsync(SignalingMessage message, CancellationToken cancellationToken = default)
        {
            if (message.Type == SignalingMessage.Candidate)
            {
                if (delay is null) return;
                await Task.Delay(delay.Value, cancellationToken);
            }
            await inner.SendAsync(message, cancellationToken);
        }

        public IAsyncEnumerable<SignalingMessage> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

        public void Dispose() => inner.Dispose();
    }

    private static async Task<List<SeedPeerEvent>> ConnectAsync(TimeSpan? answererCandidateDelay)
    {
        var hub = new InProcessSignaling();
        var options = new SeedPeerOptions { Role = SeedPeerRole.Answerer, SignalingUri = new Uri("http://127.0.0.1:9/"), Configuration = SeedPeerTests.LoopbackOnly };
        await using var answerer = new SeedPeer(options, id => new SlowCandidates(hub.Connect(id), answererCandidateDelay));
        await using var offerer = new SeedPeer(options with { Role = SeedPeerRole.Offerer }, hub);
        var events = new List<SeedPeerEvent>();
        await Task.WhenAll(answerer.ConnectAsync(Patience), offerer.ConnectAsync(Patience, events.Add));
        Assert.Equal("Hello from the Answerer!", offerer.RemoteGreeting!.Text);
        return events;
    }

    [Fact]
    public async Task ACandidateSignaledAfterThePairWasSelected_IsInTheAttemptsEvents()
    {
        var events = await ConnectAsync(TimeSpan.FromMilliseconds(300));

        // The offerer heard the answerer's check first: its first selected pair is peer-reflexive.
        var pairs = events.OfType<SeedPeerSelectedPairEvent>().ToList();
        Assert.Equal(RTCIceCandidateType.Prflx, pairs[0].Pair.Remote.Type);
        var remote = Assert.Single(events.OfType<SeedPeerCandidateEvent>(), e => !e.IsLocal);
        Assert.Equal(RTCIceCandidateType.Host, remote.Candidate.Type);
        // ... and reselected with the signaled type once the candidate came.
        Assert.Equal(RTCIceCandidateType.Host, pairs[^1].Pair.Remote.Type);
        Assert.True(events.IndexOf(remote) < events.IndexOf(pairs[^1]));
    }

    [Fact]
    public async Task ACandidateThatNeverComes_DoesNotHoldTheConnect()
    {
        var events = await ConnectAsync(null);

        Assert.DoesNotContain(events, e => e is SeedPeerCandidateEvent { IsLocal: false });
        Assert.Equal(RTCIceCandidateType.Prflx, events.OfType<SeedPeerSelectedPairEvent>().Last().Pair.Remote.Type);
    }
}

using System.Collections.Concurrent;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Sdp;

namespace WebRtcPS.Engine.Tests.PeerConnection;

/// <summary>The connection's state lives on one loop: calls from many threads at once are applied
/// one at a time, each seeing the state the previous one left, and close() tears down once.</summary>
public class PeerConnectionLoopTests
{
    [Fact]
    public async Task ConcurrentDescriptionsAreAppliedOneAtATime()
    {
        await using var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        await using var answerer = new RTCPeerConnection(PeerTestKit.Loopback());
        answerer.SetRemoteDescription(offerer.CreateOffer());
        var answer = answerer.CreateAnswer();
        // Eight threads race to apply the answer: the first takes the state to stable, where an
        // answer is not allowed, so exactly one succeeds and the others see its state.
        var outcomes = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            try
            {
                answerer.SetLocalDescription(answer);
                outcomes.Add("answered");
            }
            catch (InvalidStateError)
            {
                outcomes.Add("refused");
            }
        })));
        Assert.Single(outcomes, o => o == "answered");
        Assert.Equal(RTCSignalingState.Stable, answerer.SignalingState);
        Assert.Same(answer, answerer.LocalDescription);
        await answerer.CloseAsync();
        var stable = 0;
        await foreach (var e in answerer.Events.ReadAllAsync()) stable += e is SignalingStateChangedEvent { State: RTCSignalingState.Stable } ? 1 : 0;
        Assert.Equal(1, stable);
    }

    [Fact]
    public async Task CloseFromManyThreadsTearsDownOnce()
    {
        var pc = new RTCPeerConnection(PeerTestKit.Loopback());
        pc.CreateDataChannel("chat");
        pc.SetLocalDescription();
        // Each call gets the one teardown.
        var closes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => new[] { pc.CloseAsync() })));
        var teardown = Assert.Single(closes.SelectMany(c => c).Distinct());
        await teardown.WaitAsync(PeerTestKit.Patience);
        Assert.Equal(RTCPeerConnectionState.Closed, pc.ConnectionState);
        Assert.Equal(RTCSignalingState.Closed, pc.SignalingState);
        Assert.Throws<InvalidStateError>(() => pc.CreateOffer());
        Assert.Throws<InvalidStateError>(() => pc.CreateDataChannel("late"));
        var events = new List<PeerConnectionEvent>();
        await foreach (var e in pc.Events.ReadAllAsync()) events.Add(e);
        Assert.Single(events, e => e is SignalingStateChangedEvent { State: RTCSignalingState.Closed });
        Assert.Single(events, e => e is ConnectionStateChangedEvent { State: RTCPeerConnectionState.Closed });
        Assert.Equal(RTCPeerConnectionState.Closed, await pc.WaitForConnectionStateAsync(s => s == RTCPeerConnectionState.Closed));
    }
}

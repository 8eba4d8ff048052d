using System.Diagnostics;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.PeerConnection;
using WebRtcPS.Engine.Tests.TestInfrastructure;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// Real blackouts on a real UDP path (<see cref="BlackoutRelay"/>): RFC 7675 consent freshness as
/// the W3C states show it. A short blackout is disconnected, then connected again by itself; one
/// past the consent timeout is failed with the reason, and restartIce() (RFC 8445 §9) brings the
/// same data channel back. Consent timers are shortened where the default would only cost wall
/// clock; <see cref="ConsentDefaultsTests"/> proves the defaults on a hand-moved clock.
/// </summary>
public sealed class BlackoutTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TenSecondBlackout_Disconnected_ThenConnectedAgainByItself()
    {
        // The RFC's 30 s consent timeout; disconnected after 3 s of silence (browsers: a few seconds).
        var config = PeerTestKit.Loopback(ice => ice with { ConsentInterval = TimeSpan.FromSeconds(1), DisconnectedTimeout = TimeSpan.FromSeconds(3) });
        Assert.Equal(TimeSpan.FromSeconds(30), config.Ice.ConsentTimeout);
        await using var peers = await BlackoutPeers.ConnectAsync(config);
        await peers.ExchangeAsync("before");
        var states = new List<RTCPeerConnectionState>();
        peers.Offerer.OnConnectionStateChange += (_, s) => { lock (states) states.Add(s); };

        var sw = Stopwatch.StartNew();
        peers.Relay.Dark = true;
        await peers.BothAsync(RTCPeerConnectionState.Disconnected, Limit);
        output.WriteLine($"disconnected after {sw.ElapsedMilliseconds} ms of blackout");
        await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (TimeSpan.FromSeconds(10) - sw.Elapsed).Ticks)));
        peers.Relay.Dark = false;
        sw.Restart();
        await peers.BothAsync(RTCPeerConnectionState.Connected, Limit);
        output.WriteLine($"connected again {sw.ElapsedMilliseconds} ms after the blackout; {peers.Relay.Dropped} datagrams dropped");

        Assert.True(peers.Relay.Dropped > 0);
        // The W3C handlers run on their own event task, just after the state changed.
        await Poll.UntilAsync(() => { lock (states) return states.Count == 2; }, PeerTestKit.Patience, "the connected event");
        lock (states) Assert.Equal([RTCPeerConnectionState.Disconnected, RTCPeerConnectionState.Connected], states);
        Assert.Equal(RTCDataChannelState.Open, peers.OffererChannel.ReadyState);
        await peers.ExchangeAsync("after");
    }

    [Fact]
    public async Task BlackoutPastConsent_FailedWithTheReason_RestartIceRecovers()
    {
        var config = PeerTestKit.Loopback(ice => ice with
        {
            ConsentInterval = TimeSpan.FromMilliseconds(250),
            DisconnectedTimeout = TimeSpan.FromSeconds(1),
            ConsentTimeout = TimeSpan.FromSeconds(3),
        });
        await using var peers = await BlackoutPeers.ConnectAsync(config);
        await peers.ExchangeAsync("before");

        var sw = Stopwatch.StartNew();
        peers.Relay.Dark = true;
        await peers.BothAsync(RTCPeerConnectionState.Failed, Limit);
        output.WriteLine($"failed after {sw.ElapsedMilliseconds} ms: {peers.Offerer.FailureReason}");
        // RFC 7675 §5.1: the reason says consent expired; it is in the events and the diagnostics.
        Assert.Contains("consent expired", peers.Offerer.FailureReason);
        Assert.Contains("consent expired", peers.Answerer.FailureReason);
        Assert.Contains("consent expired", (await peers.Offerer.GetDiagnosticsAsync()).ToString());
        Assert.Equal(RTCIceConnectionState.Failed, peers.Offerer.IceConnectionState);
        // The channel stays open (as in browsers): ICE restart is the way out.
        Assert.Equal(RTCDataChannelState.Open, peers.OffererChannel.ReadyState);

        peers.Relay.Dark = false;
        var ufrag = peers.Offerer.IceAgent!.LocalParameters.UsernameFragment;
        peers.Offerer.RestartIce();
        await peers.NegotiateAsync();
        await peers.BothAsync(RTCPeerConnectionState.Connected, Limit);
        Assert.NotEqual(ufrag, peers.Offerer.IceAgent.LocalParameters.UsernameFragment);
        Assert.Null(peers.Offerer.FailureReason);
        await peers.ExchangeAsync("after the restart");
    }
}

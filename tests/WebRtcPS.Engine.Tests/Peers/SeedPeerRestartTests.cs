using System.Net;
using WebRtcPS.Signaling.Peers;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Engine.Tests.Peers;

/// <summary>
/// ICE restart over the seed protocol (RFC 8445 §9): the offerer restarts with a new offer, the
/// answerer answers it by itself and its RestartIceAsync waits for it; the same channel carries
/// messages after. The answerer cannot start one (it sends no offers): waiting in vain says so.
/// </summary>
public sealed class SeedPeerRestartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static SeedPeerOptions Options(SeedPeerRole role, Uri url) => new()
    {
        Role = role,
        SignalingUri = url,
        Configuration = SeedPeerTests.LoopbackOnly,
        SendGreeting = false,
        WaitForRemoteGreeting = false,
    };

    [Fact]
    public async Task OffererRestarts_AnswererFollows_TheChannelCarriesOn()
    {
        await using var server = await SignalingServer.StartAsync(new SignalingServerOptions { Port = 0, ListenAddress = IPAddress.Loopback });
        await using var offerer = new SeedPeer(Options(SeedPeerRole.Offerer, server.Url));
        await using var answerer = new SeedPeer(Options(SeedPeerRole.Answerer, server.Url));
        await Task.WhenAll(answerer.ConnectAsync(Patience), offerer.ConnectAsync(Patience));
        while (offerer.Events.TryRead(out _)) { }
        var ufrag = offerer.Connection!.IceAgent!.LocalParameters.UsernameFragment;

        var following = answerer.RestartIceAsync(Patience);
        var events = new List<SeedPeerEvent>();
        await offerer.RestartIceAsync(Patience, e => { lock (events) events.Add(e); });
        await following;

        Assert.Equal(1, offerer.IceRestarts);
        Assert.Equal(1, answerer.IceRestarts);
        Assert.NotEqual(ufrag, offerer.Connection.IceAgent.LocalParameters.UsernameFragment);
        lock (events)
        {
            var restart = events.FindIndex(e => e is SeedPeerIceRestartEvent);
            Assert.True(restart >= 0);
            Assert.Contains(events.Skip(restart), e => e is SeedPeerSelectedPairEvent);
            Assert.Contains(events, e => e is SeedPeerSignalingEvent { Sent: true, Type: "offer" });
            Assert.Contains(events, e => e is SeedPeerSignalingEvent { Sent: false, Type: "answer" });
        }
        using var cts = new CancellationTokenSource(Patience);
        await offerer.SendAsync("after the restart", cts.Token);
        Assert.Equal("after the restart", (await answerer.Messages.ReadAsync(cts.Token)).Text);
        await answerer.SendAsync("back", cts.Token);
        Assert.Equal("back", (await offerer.Messages.ReadAsync(cts.Token)).Text);
    }

    [Fact]
    public async Task AnswererWaitsInVain_SaysOnlyTheOffererCanRestart()
    {
        await using var server = await SignalingServer.StartAsync(new SignalingServerOptions { Port = 0, ListenAddress = IPAddress.Loopback });
        await using var offerer = new SeedPeer(Options(SeedPeerRole.Offerer, server.Url));
        await using var answerer = new SeedPeer(Options(SeedPeerRole.Answerer, server.Url));
        await Task.WhenAll(answerer.ConnectAsync(Patience), offerer.ConnectAsync(Patience));

        var e = await Assert.ThrowsAsync<SeedPeerException>(() => answerer.RestartIceAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(SeedPeerError.Timeout, e.Error);
        Assert.Contains("did not restart ICE", e.Message);
        await using var unconnected = new SeedPeer(Options(SeedPeerRole.Offerer, server.Url));
        await Assert.ThrowsAsync<InvalidOperationException>(() => unconnected.RestartIceAsync(Patience));
    }
}

using System.Net;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Signaling.Peers;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Engine.Tests.Peers;

public class SeedPeerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    internal static RTCConfiguration LoopbackOnly => new()
    {
        Ice = RTCConfiguration.DefaultIce with
        {
            IncludeLoopback = true,
            EnableIPv6 = false,
            InterfaceFilter = a => a.IsLoopback,
        },
    };

    private static async Task<SignalingServer> StartServerAsync() =>
        await SignalingServer.StartAsync(new SignalingServerOptions { Port = 0, ListenAddress = IPAddress.Loopback });

    private static async Task<List<SeedPeerEvent>> DrainAsync(SeedPeer peer)
    {
        var list = new List<SeedPeerEvent>();
        while (peer.Events.TryRead(out var e)) list.Add(e);
        await Task.CompletedTask;
        return list;
    }

    [Fact]
    public async Task OffererAndAnswererExchangeTheOriginalGreetings()
    {
        await using var server = await StartServerAsync();
        await using var answerer = new SeedPeer(new SeedPeerOptions { Role = SeedPeerRole.Answerer, SignalingUri = server.Url, Configuration = LoopbackOnly });
        await using var offerer = new SeedPeer(new SeedPeerOptions { Role = SeedPeerRole.Offerer, SignalingUri = server.Url, Configuration = LoopbackOnly });

        var a = answerer.ConnectAsync(Patience);
        var o = offerer.ConnectAsync(Patience);
        await Task.WhenAll(a, o);

        Assert.Equal("Hello from the Answerer!", offerer.RemoteGreeting!.Text);
        Assert.Equal("Hello from the Offerer!", answerer.RemoteGreeting!.Text);
        Assert.NotNull(offerer.SetupTime);

        var events = await DrainAsync(offerer);
        Assert.Contains(events, e => e is SeedPeerCandidateEvent { IsLocal: true, Candidate.Address: "127.0.0.1" });
        Assert.Contains(events, e => e is SeedPeerCandidateEvent { IsLocal: false });
        Assert.Contains(events, e => e is SeedPeerSelectedPairEvent);
        Assert.Contains(events, e => e is SeedPeerStateEvent { Machine: SeedPeerMachine.Connection, To: "connected" });
        Assert.Contains(events, e => e is SeedPeerSignalingEvent { Sent: true, Type: "offer" });
        Assert.Contains(events, e => e is SeedPeerMessageEvent { Sent: false, Text: "Hello from the Answerer!" });
    }

    [Fact]
    public async Task TheAnswererMayStartAfterTheOffererHasSentEverything()
    {
        await using var server = await StartServerAsync();
        await using var offerer = new SeedPeer(new SeedPeerOptions { Role = SeedPeerRole.Offerer, SignalingUri = server.Url, Configuration = LoopbackOnly });
        var o = offerer.ConnectAsync(Patience);
        // Wait until the offer and candidates are queued on the server for the absent answerer.
        while (server.GetHealth().QueuedMessages < 2) await Task.Delay(20);
        await using var answerer = new SeedPeer(new SeedPeerOptions { Role = SeedPeerRole.Answerer, SignalingUri = server.Url, Configuration = LoopbackOnly });
        await Task.WhenAll(o, answerer.ConnectAsync(Patience));
        Assert.Equal("Hello from the Offerer!", answerer.RemoteGreeting!.Text);
    }

    [Fact]
    public async Task MessagesFlowBothWaysAfterConnect()
    {
        await using var server = await StartServerAsync();
        await using var offerer = new SeedPeer(new SeedPeerOptions { Role = SeedPeerRole.Offerer, SignalingUri = server.Url, Configuration = LoopbackOnly, SendGreeting = false, WaitForRemoteGreeting = false });
        var a = new SeedPeer(new SeedPeerOptions { Role = SeedPeerRole.Answerer, SignalingUri = server.Url, Configuration = LoopbackOnly, WaitForRemoteGreeting = false });
        await using var _ = a;
        await Task.WhenAll(a.ConnectAsync(Patience), offerer.ConnectAsync(Patience));
        using var cts = new CancellationTokenSource(Patience);
        Assert.Equal("Hello from the Answerer!", (await offerer.Messages.ReadAsync(cts.Token)).Text);
        await offerer.SendAsync("ping");
        await offerer.SendAsync(new byte[] { 1, 2, 3 });
        Assert.Equal("ping", (await a.Messages.ReadAsync(cts.Token)).Text);
        var binary = await a.Messages.ReadAsync(cts.Token);
        Assert.False(binary.IsText);
        Assert.Equal(new byte[] { 1, 2, 3 }, binary.Data);
    }

    [Fact]
    public async Task NoAnswerTimesOutWithADiagnosis()
    {
        await using var server = await StartServerAsync();
        await using var offerer = new SeedPeer(new SeedPeerOptions { Role = SeedPeerRole.Offerer, SignalingUri = server.Url, Configuration = LoopbackOnly });
        var ex = await Assert.ThrowsAsync<SeedPeerException>(() => offerer.ConnectAsync(TimeSpan.FromSeconds(2)));
        Assert.Equal(SeedPeerError.Timeout, ex.Error);
        Assert.Contains("no answer came from 'answer-peer-1'", ex.Message);
        Assert.Contains("no remote description", ex.Diagnostics);
    }

    [Fact]
    public async Task AnUnreachableSignalingServerIsASignalingFailure()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var offerer = new SeedPeer(new SeedPeerOptions { Role = SeedPeerRole.Offerer, SignalingUri = new Uri($"http://127.0.0.1:{port}/"), Configuration = LoopbackOnly });
        var ex = await Assert.ThrowsAsync<SeedPeerException>(() => offerer.ConnectAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(SeedPeerError.Signaling, ex.Error);
    }

    [Fact]
    public void OptionsAreCheckedUpFront()
    {
        Assert.Throws<ArgumentException>(() => new SeedPeer(new SeedPeerOptions { SignalingUri = new Uri("ftp://x/") }));
        Assert.Throws<ArgumentException>(() => new SeedPeer(new SeedPeerOptions { SignalingUri = new Uri("http://x/"), Id = "a", RemoteId = "a" }));
    }
}

using Microsoft.Extensions.Logging;
using WebRtcPS.Engine.PeerConnection;

namespace WebRtcPS.Engine.Tests.PeerConnection;

/// <summary>W3C handlers of a peer connection that throw are logged (warning, event id 5003); the
/// other handlers of the event, and every later event, are still delivered.</summary>
public class PeerConnectionHandlerPolicyTests
{
    private const int HandlerThrew = 5003;

    [Fact]
    public async Task ThrowingOnDataChannelAndStateHandlersAreLoggedAndDeliveryGoesOn()
    {
        var log = new ListLogger();
        await using var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        await using var answerer = new RTCPeerConnection(PeerTestKit.Loopback() with { Logger = log });
        answerer.OnDataChannel += (_, _) => throw new InvalidOperationException("bug in ondatachannel");
        answerer.OnConnectionStateChange += (_, _) => throw new InvalidOperationException("bug in onconnectionstatechange");
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        answerer.OnConnectionStateChange += (_, s) => { if (s == RTCPeerConnectionState.Connected) connected.TrySetResult(); };
        var remote = PeerTestKit.NextRemoteChannel(answerer, "chat");

        var channel = offerer.CreateDataChannel("chat");
        var opened = PeerTestKit.WhenOpen(channel);
        await using var relay = InMemorySignaling.Start(offerer, answerer);
        await opened;
        var (_, sink) = await remote;
        await connected.Task.WaitAsync(PeerTestKit.Patience);
        channel.Send("after the throws");
        Assert.Equal("after the throws", await sink.NextTextAsync());

        var entries = log.Entries.Where(e => e.Id.Id == HandlerThrew).ToList();
        Assert.All(entries, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.Single(entries, e => e.Message.Contains("OnDataChannel", StringComparison.Ordinal));
        // connecting, then connected: one entry per event
        Assert.True(entries.Count(e => e.Message.Contains("OnConnectionStateChange", StringComparison.Ordinal)) >= 2);
    }
}

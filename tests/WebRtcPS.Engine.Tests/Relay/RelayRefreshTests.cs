using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.PeerConnection;
using WebRtcPS.Engine.Tests.Turn;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Relay;

/// <summary>
/// A relay-only connection kept over several refresh periods: coturn's permissions and channels
/// last 4 s and nonces go stale after 3 s (coturn ignores short allocation lifetimes, see the Turn
/// README), the clients refresh every 2 s, and messages keep flowing both ways for 14 s — a
/// missed refresh would stop the relay within 4 s.
/// </summary>
public sealed class RelayRefreshTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("udp")]
    [InlineData("tcp")]
    [InlineData("tls")]
    public async Task RelayOnlyConnectionKeepsCarryingMessagesOverSeveralLifetimes(string transport)
    {
        Interop.Require(CoturnServer.Binary is not null && CoturnServer.OpenSsl is not null, "turnserver (coturn) or openssl is not on PATH");
        await using var server = await CoturnServer.StartAsync(new CoturnSettings { MaxAllocateLifetime = 4, PermissionLifetime = 4, ChannelLifetime = 4, StaleNonce = 3 });
        RTCConfiguration Config() => new()
        {
            IceTransportPolicy = RTCIceTransportPolicy.Relay,
            Ice = RTCConfiguration.DefaultIce with { EnableIPv6 = false },
            IceServers = [server.IceServer(RelayPeerConnectionTests.UriFor(server, transport))],
            Turn = server.ClientSettings with
            {
                RequestedLifetime = TimeSpan.FromSeconds(4),
                PermissionRefreshInterval = TimeSpan.FromSeconds(2),
                ChannelRefreshInterval = TimeSpan.FromSeconds(2),
            },
        };
        await using var pair = await PeerTestKit.ConnectAsync(offererConfig: Config(), answererConfig: Config());
        await RelayPeerConnectionTests.AssertRelayPairAsync(pair.Offerer);

        var started = DateTime.UtcNow;
        int rounds = 0;
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(14))
        {
            pair.OffererChannel.Send($"ping {rounds}");
            Assert.Equal($"ping {rounds}", await pair.AnswererSink.NextTextAsync());
            pair.AnswererChannel.Send($"pong {rounds}");
            Assert.Equal($"pong {rounds}", await pair.OffererSink.NextTextAsync());
            rounds++;
            await Task.Delay(250);
        }
        Assert.Equal(RTCPeerConnectionState.Connected, pair.Offerer.ConnectionState);
        Assert.Equal(RTCPeerConnectionState.Connected, pair.Answerer.ConnectionState);
        await RelayPeerConnectionTests.AssertRelayPairAsync(pair.Answerer);
        var log = server.Log;
        int refreshes = CountOf(log, "CREATE_PERMISSION processed, success") + CountOf(log, "CHANNEL_BIND processed, success");
        output.WriteLine($"{transport}: {rounds} round trips over {(DateTime.UtcNow - started).TotalSeconds:F1} s; coturn logged {refreshes} successful CreatePermission/ChannelBind, {CountOf(log, "438")} lines with 438");
        Assert.True(rounds > 20);
        Assert.True(refreshes >= 8, $"successful CreatePermission/ChannelBind in coturn's log: {refreshes}");
    }

    private static int CountOf(string text, string what)
    {
        int count = 0, at = 0;
        while ((at = text.IndexOf(what, at, StringComparison.Ordinal)) >= 0)
        {
            count++;
            at += what.Length;
        }
        return count;
    }
}

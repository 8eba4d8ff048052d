using System.Text;
using WebRtcPS.Engine.Turn;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Turn;

/// <summary>
/// Refresh timers against a coturn whose permissions and channels last 4 s and whose nonces go
/// stale after 3 s: data must keep flowing over several lifetimes, with 438 Stale Nonce answered
/// by retrying with the new nonce. (coturn 4.6.1 keeps allocations at least 600 s whatever
/// max-allocate-lifetime says, so the allocation's own refresh schedule is driven on a manual clock.)
/// </summary>
public sealed class CoturnRefreshTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [SkippableTheory]
    [InlineData("udp")]
    [InlineData("tls")]
    public async Task RefreshesKeepTheRelayWorkingOverSeveralShortLifetimes(string transport)
    {
        Interop.Require(CoturnServer.Binary is not null && CoturnServer.OpenSsl is not null, "turnserver (coturn) or openssl is not on PATH");
        await using var server = await CoturnServer.StartAsync(new CoturnSettings { MaxAllocateLifetime = 4, PermissionLifetime = 4, ChannelLifetime = 4, StaleNonce = 3 });
        var options = server.Options(transport == "udp" ? server.UdpUri : server.TlsUri) with
        {
            RequestedLifetime = TimeSpan.FromSeconds(4),
            PermissionRefreshInterval = TimeSpan.FromSeconds(2),
            ChannelRefreshInterval = TimeSpan.FromSeconds(2),
        };
        await using var a = await TurnClient.AllocateAsync(options).WaitAsync(Generous);
        await using var b = await TurnClient.AllocateAsync(options).WaitAsync(Generous);
        output.WriteLine($"granted lifetime {a.Lifetime}");
        Assert.True(a.Lifetime <= TimeSpan.FromSeconds(4));
        await a.CreatePermissionAsync(b.RelayedAddress.Address).WaitAsync(Generous);
        await b.CreatePermissionAsync(a.RelayedAddress.Address).WaitAsync(Generous);

        var buffer = new byte[1500];
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(13);
        int rounds = 0;
        while (DateTime.UtcNow < until)
        {
            var message = Encoding.ASCII.GetBytes($"round {rounds}");
            await a.SendToAsync(message, b.RelayedAddress);
            var got = await b.ReceiveFromAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(message, buffer.AsSpan(0, got.Length).ToArray());
            await b.SendToAsync(message, a.RelayedAddress);
            got = await a.ReceiveFromAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(message, buffer.AsSpan(0, got.Length).ToArray());
            rounds++;
            await Task.Delay(250);
        }
        output.WriteLine($"lifetime now {a.Lifetime}; {rounds} rounds; refreshes a={a.RefreshCount} b={b.RefreshCount}, permission refreshes {a.PermissionRefreshCount}, channel refreshes {a.ChannelRefreshCount}; last error: {a.LastError ?? "none"}");
        Assert.True(a.IsActive && b.IsActive);
        Assert.True(a.RefreshCount >= 1, $"allocation refreshes: {a.RefreshCount}");
        Assert.True(a.PermissionRefreshCount >= 4, $"permission refreshes: {a.PermissionRefreshCount}");
        Assert.True(a.ChannelRefreshCount >= 4, $"channel refreshes: {a.ChannelRefreshCount}");
        Assert.NotNull(a.GetChannel(b.RelayedAddress));
        Assert.Contains("438", server.Log); // stale nonces were met and answered
        Assert.True(await a.CloseAsync().WaitAsync(Generous));
    }

    [SkippableFact]
    public async Task AllocationRefreshesFollowTheLifetimeOnTheInjectedClock()
    {
        Interop.Require(CoturnServer.Binary is not null && CoturnServer.OpenSsl is not null, "turnserver (coturn) or openssl is not on PATH");
        await using var server = await CoturnServer.StartAsync();
        var clock = new ManualTimeProvider();
        var options = server.Options(server.UdpUri) with { TimeProvider = clock };
        await using var a = await TurnClient.AllocateAsync(options).WaitAsync(Generous);
        await a.CreatePermissionAsync(System.Net.IPAddress.Loopback).WaitAsync(Generous);
        await a.BindChannelAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 9)).WaitAsync(Generous);
        Assert.Equal(TimeSpan.FromMinutes(10), a.Lifetime);
        Assert.Equal(TimeSpan.FromMinutes(9), TurnClient.RefreshDelay(a.Lifetime));
        Assert.Equal(TimeSpan.FromSeconds(30), TurnClient.RefreshDelay(TimeSpan.FromMinutes(1)));

        // Land exactly on each due time, so the requests' own retransmission timers (200 ms on
        // the same clock) are not fired by the jump: coturn answers them in real time.
        async Task StepAsync(int seconds, long permissions, long refreshes, long channels)
        {
            clock.Advance(TimeSpan.FromSeconds(seconds));
            await Poll.UntilAsync(() => a.PermissionRefreshCount == permissions && a.RefreshCount == refreshes && a.ChannelRefreshCount == channels,
                TimeSpan.FromSeconds(30), "the refreshes to be answered");
        }
        await StepAsync(240, 1, 0, 0);    // t=240 s: permission
        await StepAsync(240, 2, 0, 0);    // t=480 s: permission
        await StepAsync(60, 2, 1, 1);     // t=540 s: allocation (lifetime - 60 s) and channel (9 min)
        await StepAsync(180, 3, 1, 1);    // t=720 s
        await StepAsync(240, 4, 1, 1);    // t=960 s
        await StepAsync(120, 4, 2, 2);    // t=1080 s
        Assert.True(a.IsActive);
        Assert.Null(a.LastError);
        Assert.True(await a.CloseAsync().WaitAsync(Generous));
    }
}
